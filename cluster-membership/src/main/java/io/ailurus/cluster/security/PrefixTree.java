package io.ailurus.cluster.security;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Values keyed by string prefixes, for finding every prefix of a name that has a value in one walk over the name's
 * characters, without allocating: start at {@link #root()}, step with {@link Node#child(char)} per character.
 * Immutable once built.
 */
final class PrefixTree<V> {

    private final Node<V> root;

    private PrefixTree(final Node<V> root) {
        this.root = root;
    }

    static <V> PrefixTree<V> of(final Map<String, V> valuesByPrefix) {
        final Builder<V> root = new Builder<>();
        valuesByPrefix.forEach((prefix, value) -> {
            Builder<V> node = root;
            for (int i = 0; i < prefix.length(); i++) {
                node = node.children.computeIfAbsent(prefix.charAt(i), c -> new Builder<>());
            }
            node.value = value;
        });
        return new PrefixTree<>(root.build());
    }

    /** The node of the empty prefix. */
    Node<V> root() {
        return root;
    }

    static final class Node<V> {

        private final char[] keys;
        private final Node<V>[] children;
        private final V value;

        private Node(final char[] keys, final Node<V>[] children, final V value) {
            this.keys = keys;
            this.children = children;
            this.value = value;
        }

        /** The node one character further, or null when no prefix continues with {@code c}. */
        Node<V> child(final char c) {
            final int i = Arrays.binarySearch(keys, c);
            return i < 0 ? null : children[i];
        }

        /** The value of exactly this prefix, or null. */
        V value() {
            return value;
        }
    }

    private static final class Builder<V> {

        private final TreeMap<Character, Builder<V>> children = new TreeMap<>();
        private V value;

        @SuppressWarnings({"unchecked", "rawtypes"})
        Node<V> build() {
            final char[] keys = new char[children.size()];
            final Node<V>[] nodes = new Node[children.size()];
            int i = 0;
            for (final Map.Entry<Character, Builder<V>> child : children.entrySet()) {
                keys[i] = child.getKey();
                nodes[i] = child.getValue().build();
                i++;
            }
            return new Node<>(keys, nodes, value);
        }
    }
}
