package io.jbuild.builder;

import java.io.OutputStream;
import java.nio.file.Path;

/** Placeholder; replaced by the namespace-isolation fallback. */
final class BuiltinRuntime implements ContainerRuntime {
    @Override
    public String name() {
        return "builtin";
    }

    @Override
    public int run(ContainerSpec spec, Path bundleDir, OutputStream output) throws BuildException {
        throw new BuildException("run container " + spec.id() + ": the built-in runtime is not available yet");
    }
}
