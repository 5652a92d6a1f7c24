package io.nohop.core.internal.refresh;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;

/**
 * The one rule for where key sets and OpenID metadata may be fetched from: {@code https} anywhere;
 * plain {@code http} only to loopback — the host {@code localhost}, an IPv4 literal in
 * {@code 127.0.0.0/8}, or the IPv6 literal {@code ::1} — unless the builder's
 * {@code unsafeAllowPlainHttp()} was called. Used for configured URIs (when the verifier is built)
 * and for a {@code jwks_uri} found by discovery.
 *
 * <p>Decided from the URI's text by address, never by a name's prefix: {@code http://127.evil.example/}
 * is a DNS name that anyone can point anywhere, so it is refused. No DNS lookup is made: a host is
 * loopback only when its text is {@code localhost} or an IP literal that is one.
 */
public final class EndpointUriRule {
    private EndpointUriRule() {
    }

    /**
     * Checks the form only: an absolute {@code http} or {@code https} URI with a host.
     *
     * @param uri the URI
     * @param what the setting's name, for the message
     * @return {@code uri}
     * @throws IllegalArgumentException when it is not one
     */
    public static URI requireHttpUri(URI uri, String what) {
        Objects.requireNonNull(uri, what);
        String scheme = uri.getScheme();
        if (!uri.isAbsolute() || uri.getHost() == null
                || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))) {
            throw new IllegalArgumentException(what + " is not an absolute http(s) URI: " + uri);
        }
        return uri;
    }

    /**
     * Checks that a key endpoint may be fetched.
     *
     * @param uri an absolute URI
     * @param unsafeAllowPlainHttp whether plain http to any host was explicitly allowed
     * @return {@code uri}
     * @throws IllegalArgumentException when it is not https, nor plain http to loopback (or allowed)
     */
    public static URI requireAllowed(URI uri, boolean unsafeAllowPlainHttp) {
        if (!allows(uri, unsafeAllowPlainHttp)) {
            throw new IllegalArgumentException("key endpoint " + uri + " is not allowed: it must use https (plain http "
                    + "only to loopback: localhost, 127.0.0.0/8 or ::1); unsafeAllowPlainHttp() allows plain http to "
                    + "other hosts, where anyone on the path could substitute keys");
        }
        return uri;
    }

    /**
     * @param uri an absolute URI
     * @param unsafeAllowPlainHttp whether plain http to any host was explicitly allowed
     * @return true when {@code uri} may be fetched
     */
    public static boolean allows(URI uri, boolean unsafeAllowPlainHttp) {
        String scheme = uri.getScheme();
        if (!uri.isAbsolute() || uri.getHost() == null) {
            return false;
        }
        if ("https".equalsIgnoreCase(scheme)) {
            return true;
        }
        return "http".equalsIgnoreCase(scheme) && (unsafeAllowPlainHttp || isLoopback(uri.getHost()));
    }

    /**
     * @param host a URI's host as {@link URI#getHost()} gives it (IPv6 literals in brackets)
     * @return true for {@code localhost}, an IPv4 literal in 127.0.0.0/8, and the IPv6 loopback literal
     */
    static boolean isLoopback(String host) {
        if (host.toLowerCase(Locale.ROOT).equals("localhost")) {
            return true;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            return isIpv6Loopback(host);
        }
        return isIpv4Loopback(host);
    }

    // Four decimal parts, each 0-255 without leading zeros, the first 127: nothing else is an IPv4 literal here.
    private static boolean isIpv4Loopback(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
                return false;
            }
            for (int i = 0; i < part.length(); i++) {
                if (part.charAt(i) < '0' || part.charAt(i) > '9') {
                    return false;
                }
            }
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return parts[0].equals("127");
    }

    private static boolean isIpv6Loopback(String bracketed) {
        String inner = bracketed.substring(1, bracketed.length() - 1);
        if (inner.indexOf(':') < 0) {
            return false;
        }
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                return false;
            }
        }
        try {
            // A bracketed text of hex digits, colons and dots is parsed as an IPv6 literal, never looked up.
            return InetAddress.getByName(bracketed).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
