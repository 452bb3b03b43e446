package dev.jns.json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON value as read ({@link JsonReader}) or to be written ({@link JsonWriter}). Values
 * read remember the line they started on, so that errors can point at it; values built in
 * code have line 0. Numbers keep their text: a uid or a memory limit must not pass through a
 * double.
 */
public sealed interface Json {
    /** The line (from 1) the value starts on in the text it was read from; 0 if built in code. */
    int line();

    /** What kind of value this is, as an error says it ("object", "string", ...). */
    String kind();

    record Obj(Map<String, Json> members, int line) implements Json {
        public Obj {
            members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }

        public String kind() { return "object"; }
    }

    record Arr(List<Json> elements, int line) implements Json {
        public Arr {
            elements = List.copyOf(elements);
        }

        public String kind() { return "array"; }
    }

    record Str(String value, int line) implements Json {
        public String kind() { return "string"; }
    }

    /** A number, as its JSON text. */
    record Num(String text, int line) implements Json {
        public String kind() { return "number"; }
    }

    record Bool(boolean value, int line) implements Json {
        public String kind() { return "boolean"; }
    }

    record Null(int line) implements Json {
        public String kind() { return "null"; }
    }

    static Json of(String s) {
        return s == null ? new Null(0) : new Str(s, 0);
    }

    static Json of(long n) {
        return new Num(Long.toString(n), 0);
    }

    static Json of(boolean b) {
        return new Bool(b, 0);
    }

    static Json strings(List<String> values) {
        return new Arr(values.stream().map(Json::of).toList(), 0);
    }

    /** An object built member by member, in order. */
    static ObjectBuilder object() {
        return new ObjectBuilder();
    }

    final class ObjectBuilder {
        private final Map<String, Json> members = new LinkedHashMap<>();

        private ObjectBuilder() {}

        public ObjectBuilder put(String name, Json value) {
            members.put(name, value);
            return this;
        }

        public ObjectBuilder put(String name, String value) {
            return put(name, Json.of(value));
        }

        public ObjectBuilder put(String name, long value) {
            return put(name, Json.of(value));
        }

        public ObjectBuilder put(String name, boolean value) {
            return put(name, Json.of(value));
        }

        /** Adds the member only when {@code value} is not null (Go's {@code omitempty} for a pointer). */
        public ObjectBuilder putIfPresent(String name, Json value) {
            if (value != null) members.put(name, value);
            return this;
        }

        public Obj build() {
            return new Obj(members, 0);
        }
    }
}
