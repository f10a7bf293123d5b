# the same without --link (buildah 1.28 has no --link)
ARG BASE=scratch
FROM ${BASE} AS src
RUN mkdir -p /s && echo "from stage" > /s/staged.txt

FROM ${BASE}
RUN mkdir -p /existing
COPY f.txt /linked/f.txt
COPY d /linked/dir/
COPY --chown=1000:1000 --chmod=0640 f.txt /linked-owned/owned.txt
COPY --from=src /s/staged.txt /existing/staged.txt
