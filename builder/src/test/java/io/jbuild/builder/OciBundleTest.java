package io.jbuild.builder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OciBundleTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path tmp;

    private ContainerSpec spec(NetworkMode network, boolean insecure, List<ContainerMount> mounts, List<String> env) {
        return new ContainerSpec("c1", tmp.resolve("rootfs"), List.of("/bin/sh", "-c", "make"), env, "/src",
                new ResolvedUser(1000, 100, List.of(5, 50), "/home/app"), "buildhost", network, mounts, insecure);
    }

    private JsonNode write(ContainerSpec spec) throws Exception {
        Path bundle = tmp.resolve("bundle");
        OciBundle.write(spec, bundle, List.of());
        return MAPPER.readTree(Files.readAllBytes(bundle.resolve("config.json")));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.asText()));
        return values;
    }

    @Test
    void write_default_processAsDockerRunsIt() throws Exception {
        JsonNode config = write(spec(NetworkMode.DEFAULT, false, List.of(), List.of("PATH=/bin")));
        assertEquals("1.0.2", config.get("ociVersion").asText());
        assertEquals(tmp.resolve("rootfs").toAbsolutePath().toString(), config.at("/root/path").asText());
        assertFalse(config.at("/root/readonly").asBoolean());
        assertEquals("buildhost", config.get("hostname").asText());
        JsonNode process = config.get("process");
        assertFalse(process.get("terminal").asBoolean());
        assertEquals(List.of("/bin/sh", "-c", "make"), strings(process.get("args")));
        assertEquals(List.of("PATH=/bin", "HOME=/home/app"), strings(process.get("env")));
        assertEquals("/src", process.get("cwd").asText());
        assertEquals(1000, process.at("/user/uid").asInt());
        assertEquals(100, process.at("/user/gid").asInt());
        assertEquals("[5,50]", process.at("/user/additionalGids").toString());
        assertEquals(18, process.at("/user/umask").asInt());
        assertTrue(process.get("noNewPrivileges").asBoolean());
        assertEquals("RLIMIT_NOFILE", process.at("/rlimits/0/type").asText());
        assertEquals(OciBundle.nofileLimit(), process.at("/rlimits/0/hard").asLong());
        for (String set : List.of("bounding", "effective", "permitted")) {
            assertEquals(Capabilities.DEFAULT, strings(process.at("/capabilities/" + set)));
        }
        assertTrue(process.at("/capabilities/inheritable").isMissingNode());
        assertTrue(process.at("/capabilities/ambient").isMissingNode());
        assertEquals(0xa80425fbL, Capabilities.mask(strings(process.at("/capabilities/effective"))));
    }

    @Test
    void write_homeInEnv_isKept() throws Exception {
        JsonNode config = write(spec(NetworkMode.DEFAULT, false, List.of(), List.of("HOME=/x", "PATH=/bin")));
        assertEquals(List.of("HOME=/x", "PATH=/bin"), strings(config.at("/process/env")));
    }

    @Test
    void write_default_namespacesIncludeNetwork() throws Exception {
        JsonNode config = write(spec(NetworkMode.DEFAULT, false, List.of(), List.of()));
        List<String> types = new ArrayList<>();
        config.at("/linux/namespaces").forEach(n -> types.add(n.get("type").asText()));
        assertEquals(List.of("pid", "network", "ipc", "uts", "mount"), types);
    }

    @Test
    void write_hostNetwork_hasNoNetworkNamespace() throws Exception {
        JsonNode config = write(spec(NetworkMode.HOST, false, List.of(), List.of()));
        List<String> types = new ArrayList<>();
        config.at("/linux/namespaces").forEach(n -> types.add(n.get("type").asText()));
        assertEquals(List.of("pid", "ipc", "uts", "mount"), types);
    }

    @Test
    void write_default_mountsInDockersOrderThenExtras() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        JsonNode config = write(spec(NetworkMode.DEFAULT, false, List.of(
                new ContainerMount("bind", data, "/data", List.of("ro")),
                new ContainerMount("tmpfs", null, "/tmp", List.of("size=1m"))), List.of()));
        List<String> destinations = new ArrayList<>();
        config.get("mounts").forEach(m -> destinations.add(m.get("destination").asText()));
        assertEquals(List.of("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup",
                "/etc/hosts", "/etc/resolv.conf", "/data", "/tmp"), destinations);
        JsonNode dev = config.at("/mounts/1");
        assertEquals("tmpfs", dev.get("type").asText());
        assertEquals(List.of("nosuid", "strictatime", "mode=755", "size=65536k"), strings(dev.get("options")));
        assertEquals(List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"),
                strings(config.at("/mounts/2/options")));
        assertTrue(strings(config.at("/mounts/5/options")).contains("ro"));
        JsonNode hosts = config.at("/mounts/7");
        assertEquals("bind", hosts.get("type").asText());
        assertEquals(tmp.resolve("bundle/hosts").toAbsolutePath().toString(), hosts.get("source").asText());
        assertTrue(strings(hosts.get("options")).contains("ro"));
        JsonNode bind = config.at("/mounts/9");
        assertEquals(data.toAbsolutePath().toString(), bind.get("source").asText());
        assertEquals(List.of("rbind", "ro"), strings(bind.get("options")));
        JsonNode tmpfs = config.at("/mounts/10");
        assertEquals("tmpfs", tmpfs.get("type").asText());
        assertEquals("tmpfs", tmpfs.get("source").asText());
        assertEquals("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                + "127.0.0.1\tbuildhost\n::1\tbuildhost\n", Files.readString(tmp.resolve("bundle/hosts")));
    }

    @Test
    void write_default_masksDockersPaths() throws Exception {
        JsonNode config = write(spec(NetworkMode.DEFAULT, false, List.of(), List.of()));
        assertEquals(OciBundle.MASKED_PATHS, strings(config.at("/linux/maskedPaths")));
        assertTrue(strings(config.at("/linux/maskedPaths")).contains("/proc/kcore"));
        assertEquals(OciBundle.READONLY_PATHS, strings(config.at("/linux/readonlyPaths")));
        assertEquals("[{\"allow\":false,\"access\":\"rwm\"}]", config.at("/linux/resources/devices").toString());
        assertTrue(config.at("/linux/cgroupsPath").isMissingNode());
    }

    @Test
    void write_insecure_allCapabilitiesNoMasks() throws Exception {
        JsonNode config = write(spec(NetworkMode.DEFAULT, true, List.of(), List.of()));
        assertEquals(Capabilities.ofThisProcess(), strings(config.at("/process/capabilities/effective")));
        assertTrue(config.at("/linux/maskedPaths").isMissingNode());
        assertTrue(config.at("/linux/readonlyPaths").isMissingNode());
    }

    @Test
    void write_hook_isACreateRuntimeHook() throws Exception {
        Path bundle = tmp.resolve("bundle");
        OciBundle.write(spec(NetworkMode.NONE, false, List.of(), List.of()), bundle, List.of("/bin/sh", "-c", "true"));
        JsonNode hook = MAPPER.readTree(Files.readAllBytes(bundle.resolve("config.json"))).at("/hooks/createRuntime/0");
        assertEquals("/bin/sh", hook.get("path").asText());
        assertEquals(List.of("/bin/sh", "-c", "true"), strings(hook.get("args")));
    }

    @Test
    void resolvConf_ownNetwork_dropsLoopbackNameservers() {
        String host = "# generated\nnameserver 127.0.0.53\nnameserver 10.0.0.2\nnameserver ::1\noptions edns0\nsearch example.com\n";
        assertEquals("# generated\nnameserver 10.0.0.2\noptions edns0\nsearch example.com\n",
                OciBundle.resolvConf(host, NetworkMode.DEFAULT));
        assertEquals(host, OciBundle.resolvConf(host, NetworkMode.HOST));
        assertEquals("", OciBundle.resolvConf("", NetworkMode.NONE));
    }

    @Test
    void hosts_localhostName_listedOnce() {
        assertEquals("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n", OciBundle.hosts("localhost"));
    }

    @Test
    void rootfsMountPoints_includeExtraMounts() {
        ContainerSpec spec = spec(NetworkMode.DEFAULT, false,
                List.of(new ContainerMount("tmpfs", null, "/cache", List.of())), List.of());
        assertEquals(List.of("/proc", "/dev", "/sys", "/etc/hosts", "/etc/resolv.conf", "/cache"),
                OciBundle.rootfsMountPoints(spec));
    }
}
