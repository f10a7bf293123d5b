package io.jbuild.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Token scopes in the distribution format {@code type:name:action[,action]} ({@code repository:a/b:pull,push}),
 * merged per resource so that one token can cover pull, push and a cross-repository mount source.
 */
final class Scope {
    private final Map<String, Set<String>> actions;

    private Scope(Map<String, Set<String>> actions) {
        this.actions = actions;
    }

    static Scope none() {
        return new Scope(new TreeMap<>());
    }

    static Scope pull(String repository) {
        return parse(List.of("repository:" + repository + ":pull"));
    }

    static Scope push(String repository) {
        return parse(List.of("repository:" + repository + ":pull,push"));
    }

    static Scope delete(String repository) {
        return parse(List.of("repository:" + repository + ":delete"));
    }

    /** Parses scope strings; each may hold several space-separated scopes. */
    static Scope parse(Collection<String> texts) {
        Map<String, Set<String>> map = new TreeMap<>();
        for (String text : texts) {
            if (text == null) {
                continue;
            }
            for (String one : text.trim().split("\\s+")) {
                int last = one.lastIndexOf(':');
                int first = one.indexOf(':');
                if (first < 0 || last == first) {
                    continue;
                }
                String resource = one.substring(0, last);
                Set<String> set = map.computeIfAbsent(resource, k -> new TreeSet<>());
                for (String action : one.substring(last + 1).split(",")) {
                    if (!action.isEmpty()) {
                        set.add(action);
                    }
                }
            }
        }
        return new Scope(map);
    }

    Scope union(Scope other) {
        Map<String, Set<String>> map = new TreeMap<>();
        for (Map<String, Set<String>> m : List.of(actions, other.actions)) {
            m.forEach((k, v) -> map.computeIfAbsent(k, x -> new TreeSet<>()).addAll(v));
        }
        return new Scope(map);
    }

    boolean covers(Scope other) {
        for (Map.Entry<String, Set<String>> e : other.actions.entrySet()) {
            Set<String> mine = actions.get(e.getKey());
            if (mine == null || !(mine.containsAll(e.getValue()) || mine.contains("*"))) {
                return false;
            }
        }
        return true;
    }

    boolean isEmpty() {
        return actions.isEmpty();
    }

    /** One string per resource, as sent in repeated {@code scope=} parameters. */
    List<String> toStrings() {
        List<String> out = new ArrayList<>();
        actions.forEach((k, v) -> out.add(k + ":" + String.join(",", v)));
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scope s && s.actions.equals(actions);
    }

    @Override
    public int hashCode() {
        return actions.hashCode();
    }

    @Override
    public String toString() {
        return String.join(" ", toStrings());
    }
}
