# the same with octal modes, computed from the sources' 0644 files (buildah 1.28 has no symbolic --chmod)
ARG BASE=scratch
FROM ${BASE}
COPY --chmod=0744 f.txt /chmod/u+x.txt
COPY --chmod=0600 f.txt /chmod/go-r.txt
COPY --chmod=0444 d /chmod/dir/
COPY --chmod=0750 f.txt /chmod/u=rwx,g=rx,o=.txt
