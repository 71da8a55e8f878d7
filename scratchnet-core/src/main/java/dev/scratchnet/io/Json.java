package dev.scratchnet.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON that the checkpoint headers hold, read and written without a library: objects become ordered maps
 * (a name given twice is an error, not silently the last), arrays lists, numbers {@code Long} when integral and
 * {@code Double} otherwise. Nesting deeper than {@link #MAX_DEPTH} is refused before it can exhaust the stack.
 */
final class Json {
    static final int MAX_DEPTH = 32;

    /** What was wrong with the text and at which character. */
    static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxException(String message, int position) {
            super(message + " at character " + position);
        }
    }

    private final String text;
    private int at;

    private Json(String text) {
        this.text = text;
    }

    /** The value {@code text} holds, which must be all of it. */
    static Object parse(String text) throws SyntaxException {
        Json json = new Json(text);
        Object value = json.value(0);
        json.skipSpace();
        if (json.at != text.length()) {
            throw new SyntaxException("unexpected text after the value", json.at);
        }
        return value;
    }

    /** Compact JSON for maps with string keys, lists, strings, numbers, booleans and null. */
    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        if (value instanceof Map<?, ?> map) {
            out.append('{');
            String separator = "";
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(separator);
                writeString(e.getKey().toString(), out);
                out.append(':');
                write(e.getValue(), out);
                separator = ",";
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ",");
                write(list.get(i), out);
            }
            out.append(']');
        } else if (value instanceof String s) {
            writeString(s, out);
        } else if (value == null || value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else {
            throw new IllegalArgumentException("json: cannot write a " + value.getClass().getSimpleName());
        }
    }

    private static void writeString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private Object value(int depth) throws SyntaxException {
        if (depth > MAX_DEPTH) {
            throw new SyntaxException("nesting deeper than " + MAX_DEPTH + " levels", at);
        }
        skipSpace();
        if (at >= text.length()) {
            throw new SyntaxException("the text ends where a value should start", at);
        }
        char c = text.charAt(at);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw new SyntaxException("unexpected character '" + c + "'", at);
            }
        };
    }

    private Map<String, Object> object(int depth) throws SyntaxException {
        Map<String, Object> map = new LinkedHashMap<>();
        at++;
        skipSpace();
        if (peek() == '}') {
            at++;
            return map;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw new SyntaxException("expected a name in quotes", at);
            }
            int nameAt = at;
            String name = string();
            skipSpace();
            expect(':');
            Object value = value(depth + 1);
            if (map.containsKey(name)) {
                throw new SyntaxException("an object names '" + name + "' twice", nameAt);
            }
            map.put(name, value);
            skipSpace();
            if (peek() == ',') {
                at++;
            } else {
                expect('}');
                return map;
            }
        }
    }

    private List<Object> array(int depth) throws SyntaxException {
        List<Object> list = new ArrayList<>();
        at++;
        skipSpace();
        if (peek() == ']') {
            at++;
            return list;
        }
        while (true) {
            list.add(value(depth + 1));
            skipSpace();
            if (peek() == ',') {
                at++;
            } else {
                expect(']');
                return list;
            }
        }
    }

    private String string() throws SyntaxException {
        int start = at++;
        StringBuilder out = new StringBuilder();
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw new SyntaxException("control character in a string", at - 1);
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (at >= text.length()) {
                break;
            }
            char e = text.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw new SyntaxException("incomplete \\u escape", at);
                    }
                    try {
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw new SyntaxException("bad \\u escape", at);
                    }
                    at += 4;
                }
                default -> throw new SyntaxException("unknown escape \\" + e, at - 1);
            }
        }
        throw new SyntaxException("unterminated string", start);
    }

    private Number number() throws SyntaxException {
        int start = at;
        if (peek() == '-') {
            at++;
        }
        boolean integral = true;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '.' || c == 'e' || c == 'E' || c == '+' || (c == '-' && at > start)) {
                integral = false;
            } else if (c < '0' || c > '9') {
                break;
            }
            at++;
        }
        String digits = text.substring(start, at);
        try {
            if (integral) {
                return Long.parseLong(digits);
            }
            return Double.parseDouble(digits);
        } catch (NumberFormatException e) {
            if (integral && digits.matches("-?[0-9]+")) {
                throw new SyntaxException("integer " + digits + " is out of range", start);
            }
            throw new SyntaxException("malformed number '" + digits + "'", start);
        }
    }

    private Object literal(String word, Object value) throws SyntaxException {
        if (!text.startsWith(word, at)) {
            throw new SyntaxException("unexpected character '" + text.charAt(at) + "'", at);
        }
        at += word.length();
        return value;
    }

    private void expect(char c) throws SyntaxException {
        if (peek() != c) {
            throw new SyntaxException(at >= text.length() ? "the text ends where '" + c + "' should be" : "expected '" + c + "'", at);
        }
        at++;
    }

    private char peek() {
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private void skipSpace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            at++;
        }
    }
}
