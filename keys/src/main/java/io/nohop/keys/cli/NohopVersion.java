package io.nohop.keys.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The tool's version: the Maven artifact version, filtered into {@code version.properties} by the
 * build, so that {@code nohop --version} and the jar never disagree.
 */
final class NohopVersion implements IVersionProvider {

    static String version() {
        try (InputStream in = NohopVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"nohop " + version()};
    }
}
