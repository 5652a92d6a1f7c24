/**
 * Optional Micrometer metrics for a {@link io.nohop.core.TokenVerifier}. Micrometer is an optional
 * dependency of nohop-core: only code that uses this package needs {@code io.micrometer:micrometer-core}
 * on the class path.
 *
 * <p>Null-marked (JSpecify): nothing in this package's API is null.
 */
@NullMarked
package io.nohop.core.micrometer;

import org.jspecify.annotations.NullMarked;
