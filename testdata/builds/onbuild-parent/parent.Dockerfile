ARG BASE=scratch
FROM ${BASE}
RUN echo parent > /parent.txt
ONBUILD RUN echo "triggered in the child" > /onbuild-run.txt
ONBUILD COPY child.txt /onbuild-copied.txt
ONBUILD ENV FROM_ONBUILD=yes
LABEL parent=yes
