# the same without the secret env= option and RUN --network, which buildah 1.28 lacks
ARG BASE=scratch
FROM ${BASE} AS helper
RUN mkdir -p /helper && echo "from helper stage" > /helper/h.txt

FROM ${BASE}
RUN --mount=type=cache,target=/var/cache/corpus echo cached > /var/cache/corpus/c.txt && mkdir -p /out && ls /var/cache/corpus > /out/cache-listing.txt
RUN --mount=type=cache,target=/var/cache/corpus cat /var/cache/corpus/c.txt > /out/cache-again.txt
RUN --mount=type=bind,source=input.txt,target=/mnt/input.txt cp /mnt/input.txt /out/bound.txt
RUN --mount=type=bind,from=helper,source=/helper,target=/mnt/helper cat /mnt/helper/h.txt > /out/from-stage.txt
RUN --mount=type=tmpfs,target=/scratch echo gone > /scratch/t.txt && ls /scratch > /out/tmpfs-listing.txt
RUN --mount=type=secret,id=token wc -c < /run/secrets/token > /out/secret-length.txt
RUN --mount=type=secret,id=token,target=/etc/token,mode=0400 ls -ln /etc/token | cut -c1-10 > /out/secret-mode.txt
RUN --mount=type=secret,id=token TOKEN=$(cat /run/secrets/token) && test -n "$TOKEN" && echo "env secret set" > /out/secret-env.txt
RUN echo offline > /out/network-none.txt
