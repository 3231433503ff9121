package dev.orderpipe.replay;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Latencies kept in nanoseconds and written in microseconds ({@code p99_us}), as the console, the {@code .hgrm} files
 * and the report show them: exactly, to the nanosecond ({@code 12345 ns} is {@code 12.345}), and read back unchanged.
 */
final class Micros {
    private Micros() {
    }

    /** Nanoseconds (a whole number) out as microseconds. */
    static final class Writer extends StdSerializer<Number> {
        Writer() {
            super(Number.class);
        }

        @Override
        public void serialize(Number nanos, JsonGenerator gen, SerializerProvider provider) throws IOException {
            // whole microseconds without a fraction ("990", not "990.000"): a number either way
            gen.writeNumber(BigDecimal.valueOf(Math.round(nanos.doubleValue()), 3).stripTrailingZeros());
        }
    }

    /** Microseconds in as whole nanoseconds. */
    static final class LongReader extends StdDeserializer<Long> {
        LongReader() {
            super(Long.class);
        }

        @Override
        public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return p.getDecimalValue().movePointRight(3).setScale(0, RoundingMode.HALF_UP).longValueExact();
        }
    }

    /** Microseconds in as whole nanoseconds, for a double field. */
    static final class DoubleReader extends StdDeserializer<Double> {
        DoubleReader() {
            super(Double.class);
        }

        @Override
        public Double deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return (double) new LongReader().deserialize(p, ctxt);
        }
    }
}
