# the same with the excluded files left out of prepared trees (buildah 1.28 has no --exclude)
ARG BASE=scratch
FROM ${BASE}
COPY excluded/ /excluded/
COPY src-no-tmp/ /src-no-tmp/
ADD added/ /added/
