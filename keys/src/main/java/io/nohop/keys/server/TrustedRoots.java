package io.nohop.keys.server;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.nohop.keys.RootKey;
import io.nohop.keys.SignedKeySet;
import io.nohop.keys.StoreException;
import io.nohop.keys.StoreSnapshot;
import io.nohop.keys.internal.KeySetJws;
import java.text.ParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A publisher's memory of what it may publish: the roots it trusted when it first read the store (the
 * store's own files are all it has at that moment), extended only by endorsements (a trusted root
 * signing its successor), and the newest {@code iat} it has published. A set signed by any other root,
 * or older than one already published, is refused: a process that can write the store folder but lacks
 * the passphrase can then neither swap the root nor replay an old set under a running server. (At
 * start-up there is nothing to compare with; services that pin the root are protected regardless.)
 */
final class TrustedRoots {

    private final Map<String, JWK> trusted = new HashMap<>();
    private long newestIssuedAt = Long.MIN_VALUE;

    synchronized void check(StoreSnapshot snapshot) throws StoreException {
        SignedKeySet set = snapshot.signedKeySet().orElseThrow(() -> new StoreException(
                "nothing to publish: " + snapshot.keySetProblem().orElse("no signed key set")));
        List<RootKey> known = snapshot.knownRootKeys();
        if (trusted.isEmpty()) {
            for (RootKey root : known) {
                trusted.put(root.kid(), parse(root.publicJwkJson()));
            }
        } else {
            extendByEndorsements(known);
        }
        if (!trusted.containsKey(set.signerKid())) {
            throw new StoreException("refusing the key set: it is signed by root " + set.signerKid()
                    + ", which no root this server trusted has endorsed (root.json was replaced without the passphrase?"
                    + " restart serve only if the store was re-created on purpose)");
        }
        long iat = set.issuedAt().getEpochSecond();
        if (iat < newestIssuedAt) {
            throw new StoreException("refusing the key set: it was signed at " + set.issuedAt()
                    + ", before one this server already published (a replayed keyset.jwt?)");
        }
        newestIssuedAt = iat;
    }

    private void extendByEndorsements(List<RootKey> known) throws StoreException {
        boolean grew = true;
        while (grew) {
            grew = false;
            for (RootKey root : known) {
                if (trusted.containsKey(root.kid()) || root.endorsement().isEmpty()) {
                    continue;
                }
                Optional<JWK> endorser = endorserOf(root.endorsement().get());
                if (endorser.isEmpty()) {
                    continue;
                }
                try {
                    JWK successor = KeySetJws.verifyEndorsement(root.endorsement().get(), endorser.get());
                    if (root.kid().equals(successor.computeThumbprint().toString())) {
                        trusted.put(root.kid(), parse(root.publicJwkJson()));
                        grew = true;
                    }
                } catch (KeySetJws.RefusedException | com.nimbusds.jose.JOSEException e) {
                    // Not endorsed by a trusted root: stays untrusted.
                }
            }
        }
    }

    private Optional<JWK> endorserOf(String endorsement) {
        int dot = endorsement.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        try {
            Object kid = JSONObjectUtils.parse(new Base64URL(endorsement.substring(0, dot)).decodeToString()).get("kid");
            return kid instanceof String k ? Optional.ofNullable(trusted.get(k)) : Optional.empty();
        } catch (ParseException e) {
            return Optional.empty();
        }
    }

    private static JWK parse(String json) throws StoreException {
        try {
            return JWK.parse(json);
        } catch (ParseException e) {
            throw new StoreException("corrupt root key: " + e.getMessage());
        }
    }
}
