package io.jbuild.sample;

/** The sample application: prints a greeting. */
public final class Hello {
    private Hello() {
    }

    public static void main(String[] args) {
        System.out.println("Hello from an image built by jbuild-maven-plugin");
    }
}
