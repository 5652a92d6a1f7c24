package io.nohop.keys.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class JsonTextTest {

    @Test
    void writeString_escapesQuotesBackslashesAndControlCharacters() {
        assertEquals("\"a\\nb\\u0001\\\"\\\\\"", JsonText.write("a\nb\u0001\"\\"));
    }

    @Test
    void writeString_escapesLineSeparators_soALineStaysOneLine() {
        assertEquals("\"\\u2028\\u2029\"", JsonText.write("\u2028\u2029"));
    }

    @Test
    void writeMap_keepsOrderAndWritesNullMembers() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("b", 1);
        map.put("a", null);
        map.put("c", List.of(true, "x"));
        assertEquals("{\"b\":1,\"a\":null,\"c\":[true,\"x\"]}", JsonText.write(map));
    }

    @Property
    void writeString_anyText_parsesBackToItselfOnOneLine(@ForAll String text) throws Exception {
        String json = JsonText.write(Map.of("v", text));
        assertEquals(text, JSONObjectUtils.parse(json).get("v"));
        assertEquals(List.of(json), Arrays.asList(json.split("[\n\r\u2028\u2029]", -1)));
    }
}
