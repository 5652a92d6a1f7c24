package io.nohop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The core tests run on the module path (core/pom.xml), so module-info.java is exercised at run time:
 * these checks fail if they ever run on the class path again, or if the descriptor exports an
 * implementation package or makes an optional dependency mandatory.
 */
class ModuleDescriptorTest {
    private static final Module CORE = TokenVerifier.class.getModule();

    @Test
    void coreRunsAsTheNamedModule() {
        assertTrue(CORE.isNamed(), "tests must run on the module path");
        assertEquals("io.nohop.core", CORE.getName());
    }

    @Test
    void onlyTheApiPackagesAreExported() {
        Set<String> exported = CORE.getDescriptor().exports().stream().filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertEquals(Set.of("io.nohop.core", "io.nohop.core.micrometer", "io.nohop.core.servlet"), exported);
        assertFalse(CORE.isExported("io.nohop.core.internal.keyset"));
        assertFalse(CORE.isExported("io.nohop.core.internal.json"));
    }

    @Test
    void theStrictJsonReaderIsExportedToTheKeyToolAlone() {
        Set<String> qualified = CORE.getDescriptor().exports().stream().filter(ModuleDescriptor.Exports::isQualified)
                .map(e -> e.source() + " to " + e.targets()).collect(Collectors.toSet());
        assertEquals(Set.of("io.nohop.core.internal.json to [io.nohop.keys]"), qualified);
    }

    @Test
    void onlyNimbusCaffeineAndSlf4jAreMandatory() {
        Set<String> mandatory = CORE.getDescriptor().requires().stream()
                .filter(r -> !r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
                .map(ModuleDescriptor.Requires::name)
                .filter(name -> !name.startsWith("java."))
                .collect(Collectors.toSet());
        assertEquals(Set.of("com.nimbusds.jose.jwt", "com.github.benmanes.caffeine", "org.slf4j"), mandatory);
    }
}
