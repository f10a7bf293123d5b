package io.jbuild.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostEnvironmentTest {
    private static final Path HOME = Path.of("/home/alice");

    @Test
    void storeRoot_configured_winsOverEverything() {
        HostEnvironment env = new HostEnvironment(Map.of("JBUILD_ROOT", "/env/root"), HOME, true);
        assertEquals(Path.of("/configured"), env.storeRoot(Path.of("/configured")));
    }

    @Test
    void storeRoot_jbuildRootVariable_winsOverUserDefaults() {
        HostEnvironment env = new HostEnvironment(Map.of("JBUILD_ROOT", "/env/root"), HOME, true);
        assertEquals(Path.of("/env/root"), env.storeRoot(null));
    }

    @Test
    void storeRoot_superuser_isVarLibJbuild() {
        HostEnvironment env = new HostEnvironment(Map.of("XDG_DATA_HOME", "/xdg"), HOME, true);
        assertEquals(Path.of("/var/lib/jbuild"), env.storeRoot(null));
    }

    @Test
    void storeRoot_userWithXdgDataHome_isUnderIt() {
        HostEnvironment env = new HostEnvironment(Map.of("XDG_DATA_HOME", "/xdg"), HOME, false);
        assertEquals(Path.of("/xdg/jbuild"), env.storeRoot(null));
    }

    @Test
    void storeRoot_userWithoutXdg_isLocalShareJbuild() {
        HostEnvironment env = new HostEnvironment(Map.of("XDG_DATA_HOME", "", "JBUILD_ROOT", ""), HOME, false);
        assertEquals(Path.of("/home/alice/.local/share/jbuild"), env.storeRoot(null));
    }

    @Test
    void get_emptyVariable_isNull() {
        assertNull(new HostEnvironment(Map.of("A", ""), HOME, false).get("A"));
    }
}
