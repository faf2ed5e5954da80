package io.ailurus.broker.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Keeps kafka-clients quiet in the CLI: it logs a WARN for every refused connection attempt and an ERROR for every
 * failed authentication, and the CLI reports failures itself, in one line. Done in code so that the broker's shared
 * logback.xml stays as it is.
 */
final class QuietLogging {

    private QuietLogging() {
    }

    static void apply() {
        final ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            context.getLogger("org.apache.kafka").setLevel(Level.OFF);
        }
    }
}
