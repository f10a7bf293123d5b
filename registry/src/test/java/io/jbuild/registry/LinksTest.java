package io.jbuild.registry;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LinksTest {
    @Test
    void next_relNextQuoted_returnsTarget() {
        assertEquals(Optional.of("/v2/a/tags/list?n=2&last=b"),
                Links.next(List.of("</v2/a/tags/list?n=2&last=b>; rel=\"next\"")));
    }

    @Test
    void next_severalLinks_picksNext() {
        assertEquals(Optional.of("/n"), Links.next(List.of("</p>; rel=\"prev\", </n>; rel=next")));
    }

    @Test
    void next_none_empty() {
        assertEquals(Optional.empty(), Links.next(List.of("</p>; rel=\"prev\"")));
        assertEquals(Optional.empty(), Links.next(List.of()));
    }
}
