package io.nohop.keys.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.util.Set;

/**
 * Signs EdDSA (Ed25519) JWS with the JDK's own {@code Ed25519} signature. Nimbus's
 * {@code Ed25519Signer} needs Google Tink on the class path; the JDK has had Ed25519 since 15, so the
 * issuer side needs no extra dependency. The provider set on {@link #getJCAContext()}, if any, makes the
 * signature.
 */
public final class Ed25519JwsSigner implements JWSSigner {

    private final PrivateKey privateKey;
    private final JCAContext jcaContext = new JCAContext();

    /**
     * Creates a signer.
     *
     * @param privateKey an Ed25519 private key
     */
    public Ed25519JwsSigner(PrivateKey privateKey) {
        if (!"Ed25519".equals(privateKey.getAlgorithm()) && !"EdDSA".equals(privateKey.getAlgorithm())) {
            throw new IllegalArgumentException("not an Ed25519 key: " + privateKey.getAlgorithm());
        }
        this.privateKey = privateKey;
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
            throw new JOSEException("Ed25519 keys sign EdDSA only, not " + header.getAlgorithm());
        }
        try {
            Provider provider = jcaContext.getProvider();
            Signature signature = provider == null ? Signature.getInstance("Ed25519")
                    : Signature.getInstance("Ed25519", provider);
            signature.initSign(privateKey);
            signature.update(signingInput);
            return Base64URL.encode(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new JOSEException("Ed25519 signing failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(JWSAlgorithm.EdDSA);
    }

    @Override
    public JCAContext getJCAContext() {
        return jcaContext;
    }
}
