package dev.jns.json;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The strict reader, the path-naming navigation, and the Go-compatible writer. Pure logic. */
class JsonTest {

    @Test
    void readsEveryKindOfValueWithTheLineEachStartsOn() {
        JsonNode root = JsonReader.readNode("""
                {
                  "s": "a\\"b\\\\c\\n\\u00e9\\ud83d\\ude00",
                  "n": -12,
                  "big": 18446744073709551615,
                  "f": 1.5e3,
                  "t": true, "no": false,
                  "z": null,
                  "a": ["x", "y"],
                  "o": {"k": "v"}
                }""", "t.json");
        assertThat(root.require("s").string()).isEqualTo("a\"b\\c\né\uD83D\uDE00");
        assertThat(root.require("n").int64()).isEqualTo(-12);
        assertThat(root.require("big").uint64()).isEqualTo(-1L);
        assertThat(root.require("f").value()).isEqualTo(new Json.Num("1.5e3", 5));
        assertThat(root.require("t").bool()).isTrue();
        assertThat(root.require("no").bool()).isFalse();
        assertThat(root.get("z")).isEmpty();
        assertThat(root.has("z")).isFalse();
        assertThat(root.require("a").strings()).containsExactly("x", "y");
        assertThat(root.require("a").value().line()).isEqualTo(8);
        assertThat(root.require("o").stringMap()).isEqualTo(Map.of("k", "v"));
        assertThat(root.names()).containsExactly("s", "n", "big", "f", "t", "no", "a", "o");
    }

    @Test
    void shapeErrorsNameTheSourceThePathAndTheLine() {
        JsonNode root = JsonReader.readNode("{\n \"process\": {\n  \"args\": [\"sh\",\n 1]\n },\n \"mounts\": [{}, {\"type\": 3}]\n}", "config.json");
        assertThatThrownBy(() -> root.require("process").require("args").strings())
                .isInstanceOf(JsonException.class)
                .hasMessage("config.json: process.args: expected array of strings, found array at line 3");
        assertThatThrownBy(() -> root.require("mounts").elements().get(1).require("type").string())
                .hasMessage("config.json: mounts[1].type: expected string, found number at line 6");
        assertThatThrownBy(() -> root.require("mounts").elements().get(0).require("destination"))
                .hasMessage("config.json: mounts[0].destination: missing (in the object at line 6)");
        assertThatThrownBy(() -> root.require("process").int64())
                .hasMessage("config.json: process: expected integer, found object at line 2");
        assertThatThrownBy(() -> JsonReader.readNode("{\"u\": -1}", "c").require("u").uint32())
                .hasMessage("c: u: expected integer from 0 to 4294967295, found number at line 1");
        assertThatThrownBy(() -> JsonReader.readNode("{\"u\": 1.0}", "c").require("u").int64())
                .hasMessage("c: u: expected integer, found number at line 1");
    }

    @Test
    void refusesWhatIsNotStrictJson() {
        Map<String, String> bad = Map.ofEntries(
                Map.entry("", "x: unexpected end of input at line 1 column 1"),
                Map.entry("{\"a\": 1,}", "x: expected a member name in quotes, found '}' at line 1 column 9"),
                Map.entry("[1, 2,]", "x: unexpected ']' at line 1 column 7"),
                Map.entry("{\"a\": 1} x", "x: unexpected 'x' after the top-level value at line 1 column 10"),
                Map.entry("{\"a\": 1, \"a\": 2}", "x: duplicate member \"a\" at line 1"),
                Map.entry("\n\n[01]", "x: expected ',' or ']' after an array element, found '1' at line 3 column 3"),
                Map.entry("\"tab\there\"", "x: control character U+0009 in a string at line 1 column 5"),
                Map.entry("\"\\x\"", "x: invalid escape '\\x' in a string at line 1 column 3"),
                Map.entry("\"\\ud800\"", "x: a high surrogate escape without its low surrogate at line 1 column 8"),
                Map.entry("// c\n{}", "x: unexpected '/' at line 1 column 1"),
                Map.entry("{\"a\" 1}", "x: expected ':', found '1' at line 1 column 6"),
                Map.entry("[1.]", "x: invalid number: no digit after the decimal point at line 1 column 4"),
                Map.entry("tru", "x: unexpected 't' at line 1 column 1"),
                Map.entry("\"open", "x: unterminated string at line 1 column 6"));
        bad.forEach((text, message) -> assertThatThrownBy(() -> JsonReader.read(text, "x"))
                .as(text).isInstanceOf(JsonException.class).hasMessage(message));
        assertThatThrownBy(() -> JsonReader.read("[".repeat(600), "x")).hasMessageContaining("nested deeper than 512 levels");
    }

    @Test
    void writesLikeGoEncodingJson() {
        Json state = Json.object()
                .put("ociVersion", "1.2.0").put("id", "c<1>&").put("pid", 42).put("ok", true)
                .put("empty", Json.object().build()).put("none", new Json.Arr(List.of(), 0))
                .put("args", Json.strings(List.of("a\tb", "\u0001")))
                .putIfPresent("absent", null)
                .build();
        assertThat(JsonWriter.compact(state)).isEqualTo(
                "{\"ociVersion\":\"1.2.0\",\"id\":\"c\\u003c1\\u003e\\u0026\",\"pid\":42,\"ok\":true,\"empty\":{},\"none\":[],"
                        + "\"args\":[\"a\\tb\",\"\\u0001\"]}");
        assertThat(JsonWriter.indented(Json.object().put("a", 1).put("b", Json.strings(List.of("x"))).build(), "  "))
                .isEqualTo("{\n  \"a\": 1,\n  \"b\": [\n    \"x\"\n  ]\n}");
    }

    @Test
    void whatIsWrittenReadsBackTheSame() {
        String text = "{\"a\":[1,-2.5e-3,\"\\u2028x\",null,false,{\"b\":{}}]}";
        Json value = JsonReader.read(text, "x");
        assertThat(JsonWriter.compact(value)).isEqualTo(text);
    }
}
