package io.nohop.keys.cli;

import io.nohop.keys.StoreException;
import java.security.Provider;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --crypto} of {@code verify} and {@code issue}: which JCA provider checks (verify) or makes
 * (issue) the signatures. {@code jdk}, the default, is the JDK's installed providers; {@code native} is
 * the Amazon Corretto Crypto Provider (AWS-LC; checks RSA about 2×, ES256 12-23× and EdDSA 16-21× faster
 * than the JDK, docs/BENCHMARKS.md)
 * and fails where it cannot load; {@code auto} takes it where it loads and otherwise says so in one
 * stderr line and goes on with the JDK's. Opt-in like the library's {@code preferNativeCrypto()}: loading
 * it extracts and loads a native library, and a one-token {@code issue} gains nothing from it.
 */
enum CryptoChoice {
    JDK, NATIVE, AUTO;

    /** The option's description, shared by both commands. */
    static final String DESCRIPTION = "Signature provider: jdk; native, the Amazon Corretto Crypto Provider"
            + " (bundled for Linux x86-64; exit 1 where it cannot load); or auto, native where it loads, else jdk"
            + " with one line on stderr (default: ${DEFAULT-VALUE}).";

    /** As typed on the command line. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads the option's value, any case; a usage error lists the values as they are typed. */
    static final class Converter implements ITypeConverter<CryptoChoice> {
        @Override
        public CryptoChoice convert(String value) {
            for (CryptoChoice choice : values()) {
                if (choice.name().equalsIgnoreCase(value)) {
                    return choice;
                }
            }
            throw new TypeConversionException("expected one of [jdk, native, auto] but was '" + value + "'");
        }
    }

    /**
     * @return the native provider, or empty for the JDK's providers
     * @throws StoreException for {@code native} where the native provider cannot load
     */
    Optional<Provider> provider(CliContext context) throws StoreException {
        return provider(context, NativeProvider::lookUp);
    }

    // Tests stand in for a machine where the native library cannot load.
    Optional<Provider> provider(CliContext context, Supplier<NativeProvider.Outcome> lookUp) throws StoreException {
        if (this == JDK) {
            return Optional.empty();
        }
        NativeProvider.Outcome outcome = lookUp.get();
        if (outcome.provider().isPresent()) {
            return outcome.provider();
        }
        if (this == NATIVE) {
            throw new StoreException("--crypto native: " + outcome.whyNot());
        }
        context.err.println("nohop: native crypto unavailable, using the JDK's providers: "
                + NohopCommand.oneLine(outcome.whyNot()));
        context.err.flush();
        return Optional.empty();
    }
}
