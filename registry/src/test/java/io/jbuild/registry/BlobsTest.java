package io.jbuild.registry;

import io.jbuild.layerstore.Digest;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BlobsTest {
    @Test
    void withParameter_locationWithStateQuery_keepsIt() {
        assertEquals("http://h/v2/a/blobs/uploads/u?_state=abc%3D&digest=sha256%3Aff",
                Blobs.withParameter(URI.create("http://h/v2/a/blobs/uploads/u?_state=abc%3D"), "digest", "sha256:ff"));
    }

    @Test
    void withParameter_noQuery_addsOne() {
        assertEquals("https://s3.example/up/1?digest=sha256%3Aff",
                Blobs.withParameter(URI.create("https://s3.example/up/1"), "digest", "sha256:ff"));
    }

    @Test
    void referrersTag_sha256_dashSeparated() {
        Digest d = Digest.of(new byte[0]);
        assertEquals("sha256-" + d.encoded(), ReferrersLister.referrersTag(d));
    }

    @Test
    void isLoopback_hosts() {
        assertEquals(true, RegistryTransport.isLoopback("127.0.0.1:5000"));
        assertEquals(true, RegistryTransport.isLoopback("localhost"));
        assertEquals(true, RegistryTransport.isLoopback("[::1]:5000"));
        assertEquals(false, RegistryTransport.isLoopback("registry.example:5000"));
        assertEquals("registry-1.docker.io", RegistryTransport.apiHost("docker.io"));
    }
}
