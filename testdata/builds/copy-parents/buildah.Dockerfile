# the same with the trees --parents makes prepared (buildah 1.28 has no --parents)
ARG BASE=scratch
FROM ${BASE}
COPY parents/ /parents/
COPY globbed/ /globbed/
COPY pivot/ /pivot/
