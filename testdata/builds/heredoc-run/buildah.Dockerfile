# the same without here-documents (buildah 1.28 runs none): a shebang heredoc runs as the file
# /dev/pipes/<delimiter>, other single heredocs as the shell's script, several as the shell's input
ARG BASE=scratch
FROM ${BASE}
ARG WHO=heredoc
RUN mkdir -p /heredoc && echo "script by $WHO" > /heredoc/plain.txt && echo "second line runs too" >> /heredoc/plain.txt
RUN echo "shebang: /dev/pipes/EOF" > /heredoc/shebang.txt
RUN printf 'first %s\nsecond %s\n' "$WHO" "$WHO" > /heredoc/two.txt
RUN echo '$WHO is not expanded by the builder, the shell does:' "$WHO" > /heredoc/quoted.txt
RUN echo "tabs stripped" > /heredoc/tabs.txt
