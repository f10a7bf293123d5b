# escape=`
# buildah 1.28 does not take the escape character inside double quotes: the same label single-quoted
# a backtick continues lines; backslashes are plain characters
ARG BASE=scratch
FROM ${BASE}
RUN mkdir -p /esc && echo one `
    two > /esc/continued.txt
RUN printf 'C:\\Windows\\path\n' > /esc/backslash.txt
ENV WIN_PATH=C:\Program` Files\app
LABEL "escaped"='a"b' plain=c:\\x
COPY ["a b.txt", "/esc/with space.txt"]
