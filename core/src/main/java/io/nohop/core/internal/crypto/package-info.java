/**
 * Where a verifier's signature checks come from (issue 14): the JCA provider that checks each
 * algorithm ({@link io.nohop.core.internal.crypto.SignatureEngine}), the native provider picked up on
 * request ({@code NativeCrypto}: the Amazon Corretto Crypto Provider), BouncyCastle's pure-Java Ed25519
 * when it is on the class path ({@code BouncyCastleEd25519}), and the checks nohop makes itself so that
 * its decisions never depend on the provider: RSASSA-PKCS1-v1_5 by "encode and compare"
 * ({@code RsaPkcs1Check}), RSASSA-PSS by nohop's own EMSA-PSS-VERIFY ({@code RsaPssCheck}; both on the
 * provider's raw RSA), ECDSA's r range ({@code EcdsaRange}) and small-order Ed25519 keys
 * ({@code Ed25519SmallOrder}).
 *
 * <p>Keys are always decoded by the JDK's own key factories ({@code KeySetLoader}), whatever the
 * provider, so which keys a key set may hold never depends on it; only the objects that check
 * signatures come from the provider. None of the optional libraries is loaded unless present (BouncyCastle)
 * or asked for (ACCP): the classes that name their types are reached only behind a check that catches
 * {@link java.lang.LinkageError}.
 */
package io.nohop.core.internal.crypto;
