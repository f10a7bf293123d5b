# the same with the here-documents as files (buildah 1.28 has no heredocs): 0644 files, unquoted
# delimiters expanded with ARGs, <<- strips leading tabs
ARG BASE=scratch
FROM ${BASE}
ARG NAME=corpus
COPY greeting /etc/greeting
COPY one.txt two.txt /heredocs/
COPY --chmod=0755 hello /usr/local/bin/hello
ADD tabs.txt /heredocs/tabs.txt
