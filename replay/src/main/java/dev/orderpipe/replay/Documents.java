package dev.orderpipe.replay;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;

/**
 * The JSON and YAML that orderpipe writes for other tools to read ({@code summary.json}, {@code summary.yaml}, the
 * {@code --json} outputs of compare, stats and dump): plain documents any JSON parser or YAML 1.2 loader reads, with no
 * type tags; numbers as numbers, written in full ({@code 20000.0}, never {@code 2E4}, which YAML 1.1 loaders read as
 * a string); strings double-quoted in YAML, so that no loader takes one for a boolean, a number or a date.
 *
 * <p>Objects are mapped by their public fields; {@link #DOCUMENT} names them in snake_case (keys carry their unit,
 * such as {@code p99_us}), {@link #AS_DECLARED} keeps the Java names (the pipeline config, whose keys are those of the
 * config file).
 */
public final class Documents {
    /** Public fields, keys in snake_case: the documents orderpipe defines. */
    public static final ObjectMapper DOCUMENT = configure(JsonMapper.builder(), true);
    /** Public fields, keys as the fields are named: the config, as in its YAML file. */
    public static final ObjectMapper AS_DECLARED = configure(JsonMapper.builder(), false);
    private static final ObjectMapper COMPACT = configure(JsonMapper.builder(), true)
            .disable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = configure(YAMLMapper.builder(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .disable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)), true);

    private Documents() {
    }

    private static ObjectMapper configure(MapperBuilder<?, ?> builder, boolean snakeCase) {
        SimpleModule plainNumbers = new SimpleModule("plain-numbers");
        plainNumbers.addSerializer(Double.class, new PlainDouble());
        plainNumbers.addSerializer(double.class, new PlainDouble());
        builder.visibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
                .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.PUBLIC_ONLY)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
                .addModule(plainNumbers);
        if (snakeCase)
            builder.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        return builder.build();
    }

    /** A tree as JSON text, indented, with a final newline. */
    public static String json(JsonNode tree) {
        try {
            return DOCUMENT.writeValueAsString(tree) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tree as one line of JSON with its newline: a line of JSON Lines. */
    public static String jsonLine(JsonNode tree) {
        try {
            return COMPACT.writeValueAsString(tree) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tree as a YAML document (block style, strings double-quoted). */
    public static String yaml(JsonNode tree) {
        try {
            return YAML.writeValueAsString(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a YAML document (or JSON, a subset of it) into a tree. */
    public static JsonNode readYaml(String text) throws IOException {
        return YAML.readTree(text);
    }

    /**
     * A double written in plain decimal notation, the shortest that reads back as the same double; NaN and the
     * infinities (no number in JSON) as null.
     */
    private static final class PlainDouble extends StdSerializer<Double> {
        PlainDouble() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            double d = value;
            if (Double.isNaN(d) || Double.isInfinite(d))
                gen.writeNull();
            else
                gen.writeNumber(new BigDecimal(Double.toString(d)));
        }
    }
}
