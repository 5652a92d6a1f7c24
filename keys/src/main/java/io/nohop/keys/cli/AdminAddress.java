package io.nohop.keys.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** {@code --admin-bind ADDR:PORT}: a host (IPv6 in brackets) and a port; without a host, loopback. */
final class AdminAddress {
    private AdminAddress() {
    }

    static InetSocketAddress parse(String text, CommandLine command, String option) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new ParameterException(command, option + " must be ADDR:PORT, [IPV6]:PORT or PORT: '" + text + "'");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon >= 0 && text.indexOf(':') != colon) {
                throw new ParameterException(command, option + ": write an IPv6 address in brackets, [ADDR]:PORT: '" + text + "'");
            }
            host = colon < 0 ? "" : text.substring(0, colon);
            port = colon < 0 ? text : text.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new ParameterException(command, option + ": not a port number: '" + port + "'");
        }
        if (p < 0 || p > 65535) {
            throw new ParameterException(command, option + ": port must be between 0 and 65535: " + p);
        }
        if (host.isEmpty()) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), p);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), p);
        } catch (UnknownHostException e) {
            throw new ParameterException(command, option + ": unknown address '" + host + "'");
        }
    }
}
