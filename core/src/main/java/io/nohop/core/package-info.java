/**
 * nohop's public API: {@link io.nohop.core.TokenVerifier} and what it returns, throws and reports.
 *
 * <p>Null-marked (JSpecify): no parameter, return value or record component in this package is null
 * unless annotated {@code @Nullable}, and none of the public ones is — absence is an
 * {@link java.util.Optional} or an empty collection.
 */
@NullMarked
package io.nohop.core;

import org.jspecify.annotations.NullMarked;
