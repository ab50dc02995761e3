package dev.latchkey.mail;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A small, safe subset of Mustache for mail templates that tenants may write: {@code {{name}}} inserts a variable
 * (HTML-escaped in HTML parts), {@code {{#name}}...{{/name}}} shows its body when the variable is not empty and
 * {@code {{^name}}...{{/name}}} when it is. No partials, no lambdas, no file or code access: a template can only
 * arrange the values it is given.
 */
public final class TemplateRenderer {
    private static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9_]{0,63}$");
    /** Rendering walks sections recursively: far more than a message needs, far less than a thread's stack holds. */
    private static final int MAX_NESTING = 16;

    private sealed interface Node permits Text, Variable, Section {
    }

    private record Text(String text) implements Node {
    }

    private record Variable(String name) implements Node {
    }

    private record Section(String name, boolean inverted, List<Node> body) implements Node {
    }

    /** A template that does not parse; the message says where. */
    public static final class SyntaxException extends RuntimeException {
        SyntaxException(String message) {
            super(message, null, false, false);
        }
    }

    /** A parsed template, ready to render many times. */
    public static final class Parsed {
        private final List<Node> nodes;

        private Parsed(List<Node> nodes) {
            this.nodes = nodes;
        }

        public String render(Map<String, String> values, UnaryOperator<String> escape) {
            var out = new StringBuilder();
            write(nodes, values, escape, out);
            return out.toString();
        }

        /** Every variable name the template mentions, in sections too. */
        public Set<String> names() {
            Set<String> names = new TreeSet<>();
            collect(nodes, names);
            return names;
        }
    }

    private TemplateRenderer() {
    }

    public static Parsed parse(String source) {
        Deque<Section> open = new ArrayDeque<>();
        Deque<List<Node>> targets = new ArrayDeque<>();
        List<Node> root = new ArrayList<>();
        targets.push(root);
        int at = 0;
        while (at < source.length()) {
            int start = source.indexOf("{{", at);
            if (start < 0) {
                targets.peek().add(new Text(source.substring(at)));
                break;
            }
            int end = source.indexOf("}}", start + 2);
            if (end < 0) {
                throw new SyntaxException("'{{' at character " + start + " is never closed with '}}'.");
            }
            if (start > at) {
                targets.peek().add(new Text(source.substring(at, start)));
            }
            tag(source.substring(start + 2, end).trim(), open, targets);
            at = end + 2;
        }
        if (!open.isEmpty()) {
            throw new SyntaxException("Section '" + open.peek().name() + "' is never closed with {{/"
                    + open.peek().name() + "}}.");
        }
        return new Parsed(List.copyOf(root));
    }

    private static void tag(String tag, Deque<Section> open, Deque<List<Node>> targets) {
        char kind = tag.isEmpty() ? ' ' : tag.charAt(0);
        String name = (kind == '#' || kind == '^' || kind == '/') ? tag.substring(1).trim() : tag;
        if (!NAME.matcher(name).matches()) {
            throw new SyntaxException("'{{" + tag + "}}' is not a variable: use lower-case names like {{first_name}}.");
        }
        switch (kind) {
            case '#', '^' -> {
                if (open.size() >= MAX_NESTING) {
                    throw new SyntaxException("Sections may be nested at most " + MAX_NESTING + " deep.");
                }
                var section = new Section(name, kind == '^', new ArrayList<>());
                targets.peek().add(section);
                open.push(section);
                targets.push(section.body());
            }
            case '/' -> {
                if (open.isEmpty() || !open.peek().name().equals(name)) {
                    throw new SyntaxException("{{/" + name + "}} closes a section that is not open.");
                }
                open.pop();
                targets.pop();
            }
            default -> targets.peek().add(new Variable(name));
        }
    }

    private static void write(List<Node> nodes, Map<String, String> values, UnaryOperator<String> escape,
                              StringBuilder out) {
        for (Node node : nodes) {
            switch (node) {
                case Text text -> out.append(text.text());
                case Variable variable -> {
                    String value = values.get(variable.name());
                    out.append(escape.apply(value == null ? "" : value));
                }
                case Section section -> {
                    String value = values.get(section.name());
                    boolean present = value != null && !value.isEmpty();
                    if (present != section.inverted()) {
                        write(section.body(), values, escape, out);
                    }
                }
            }
        }
    }

    private static void collect(List<Node> nodes, Set<String> names) {
        for (Node node : nodes) {
            switch (node) {
                case Text ignored -> {
                }
                case Variable variable -> names.add(variable.name());
                case Section section -> {
                    names.add(section.name());
                    collect(section.body(), names);
                }
            }
        }
    }

    public static String escapeHtml(String value) {
        var out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
