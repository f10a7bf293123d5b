package io.jbuild.dockerfile;

/** The passes after {@link DockerfileParser} that the fuzz test drives too. */
final class FuzzPasses {
    private FuzzPasses() {
    }

    static void afterParse(ParseResult result) throws DockerfileException {
        // filled in when the typed-instruction and planning passes land
    }
}
