package io.jbuild.builder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ContainerRuntimesTest {
    @TempDir
    Path tmp;

    private Path executable(String name) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void detect_explicitCrun_isARuncStyleRuntimeNamedCrun() throws Exception {
        List<String> warnings = new ArrayList<>();
        ContainerRuntime runtime = ContainerRuntimes.detect(executable("crun"), warnings::add);
        assertInstanceOf(RuncRuntime.class, runtime);
        assertEquals("crun", runtime.name());
        assertEquals(List.of(), warnings);
    }

    @Test
    void detect_explicitRunc_namedRunc() throws Exception {
        assertEquals("runc", ContainerRuntimes.detect(executable("runc"), w -> { }).name());
    }

    @Test
    void detect_explicitOtherName_namedAfterTheFile() throws Exception {
        assertEquals("my-runtime", ContainerRuntimes.detect(executable("my-runtime"), w -> { }).name());
    }

    @Test
    void detect_explicitMissing_fails() {
        BuildException e = assertThrows(BuildException.class,
                () -> ContainerRuntimes.detect(tmp.resolve("nope"), w -> { }));
        assertEquals("use container runtime " + tmp.resolve("nope") + ": not an executable file", e.getMessage());
    }

    @Test
    void detect_explicitNotExecutable_fails() throws Exception {
        Path p = Files.writeString(tmp.resolve("runc"), "");
        assertThrows(BuildException.class, () -> ContainerRuntimes.detect(p, w -> { }));
    }

    @Test
    void detect_builtinByName_isTheBuiltinRuntime() throws Exception {
        assertInstanceOf(BuiltinRuntime.class, ContainerRuntimes.detect(Path.of("builtin"), w -> { }));
    }
}
