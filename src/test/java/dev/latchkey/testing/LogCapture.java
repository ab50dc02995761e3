package dev.latchkey.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/** What a logger (and the loggers below it) wrote while it was open, each event as an appender writes it. */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(Logger logger) {
        this.logger = logger;
        appender.start();
        logger.addAppender(appender);
    }

    /** Every logger of the process. */
    public static LogCapture all() {
        return new LogCapture((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME));
    }

    public static LogCapture of(Class<?> owner) {
        return new LogCapture((Logger) LoggerFactory.getLogger(owner));
    }

    /** The events so far: each message, followed by its exception's messages and stack trace when it has one. */
    public List<String> lines() {
        List<ILoggingEvent> events;
        // the appender adds under its own lock
        synchronized (appender) {
            events = new ArrayList<>(appender.list);
        }
        return events.stream().map(event -> event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                : System.lineSeparator() + ThrowableProxyUtil.asString(event.getThrowableProxy()))).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}
