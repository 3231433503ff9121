package dev.orderpipe.pipeline.config;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.BracketType;
import net.openhft.chronicle.wire.SelfDescribingMarshallable;
import net.openhft.chronicle.wire.ValueIn;
import net.openhft.chronicle.wire.Wire;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireType;
import net.openhft.chronicle.wire.Wires;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Base of every config section: a Chronicle Wire marshallable whose YAML is read strictly, so that whatever a person
 * typed wrong is a {@link ConfigException} naming the key, never a setting silently ignored or changed.
 *
 * <p>Wire's own field reader logs a warning and keeps the default when a number does not fit its field ({@code
 * 3000000000} for an int), wraps 64-bit overflow, truncates {@code 1.5} to 1 and matches keys ignoring case. This class
 * reads the text of every value itself instead: unknown keys, numbers that are not plain integers (or decimals for a
 * {@code double}), integers outside the field's {@link Range}, and booleans other than {@code true}/{@code false} are
 * refused with one line. Nested sections and lists of sections are read the same way, with their path in the YAML
 * ({@code risk.symbols[2].maxOrderQty}) in messages. A binary wire (Wire's {@code deepCopy}) holds values this class
 * wrote and is read by Wire as usual.
 *
 * <p>A section is read over the values it already has: the keys the YAML gives are set and every other field keeps
 * its value; a nested section already in place is read into the same way, and a list is replaced whole. A fresh
 * section has the class's defaults, so reading into one gives what it always gave, and a file can be read over a
 * base config ({@link PipelineConfig#load(java.nio.file.Path, PipelineConfig)}).
 */
public abstract class StrictConfig extends SelfDescribingMarshallable {
    private static final Logger LOG = LoggerFactory.getLogger(StrictConfig.class);
    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+(_[0-9]+)*");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?");

    /** Where this section is in the YAML, e.g. {@code risk.symbols[2]}; empty for the top level. */
    private transient String path = "";

    @Override
    public void readMarshallable(WireIn wire) {
        if (wire.isBinary()) {
            Wires.readMarshallable(this, wire, true);
            return;
        }
        StringBuilder name = new StringBuilder();
        // key -> line of its first use: YAML readers (Wire's too) let the last of two equal keys win silently
        Map<String, Long> seen = new HashMap<>();
        while (wire.hasMore()) {
            long before = wire.bytes().readPosition();
            ValueIn in = wire.read(name);
            String key = name.toString();
            long line = lineOfKey(wire.bytes());
            String renamed = renamedKey(key);
            if (renamed != null) {
                if (renamed.isEmpty()) {
                    // a key with one legal value that no longer exists: its value cannot have changed anything
                    LOG.warn("config key '{}' in {} is no longer used (each stage reads the queue of the stage before"
                            + " it): remove it", key, where());
                    in.skipValue();
                    continue;
                }
                LOG.warn("config key '{}' in {} is now called '{}': rename it", key, where(), renamed);
                key = renamed;
            }
            Field field = field(key);
            Long first = seen.putIfAbsent(key, line);
            if (first != null)
                throw new ConfigException("duplicate key '" + keyOf(key) + "' on line " + line + " (first on line "
                        + first + "): give each key once");
            try {
                field.set(this, value(field.get(this), field, keyOf(key), in));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("config field " + field + " is not public", e);
            }
            if (wire.bytes().readPosition() == before)
                throw new ConfigException("malformed YAML in " + where() + " near '" + key + "'");
        }
    }

    /**
     * The line (from 1) of the key just read: the line of the last ':' before the read position (the key's own
     * colon; the reader may have skipped spaces and line ends after it), counted from the start of the document.
     */
    private static long lineOfKey(Bytes<?> bytes) {
        long at = bytes.readPosition() - 1;
        long start = bytes.start();
        while (at >= start && bytes.peekUnsignedByte(at) != ':')
            at--;
        long line = 1;
        for (long i = start; i < at; i++)
            if (bytes.peekUnsignedByte(i) == '\n')
                line++;
        return line;
    }

    /** The text of a config file; one that is missing or unreadable is a {@link ConfigException} naming it. */
    public static String readFile(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(what + " " + file + " does not exist");
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("cannot read " + what + " " + file + ": " + e.getMessage());
        }
    }

    /**
     * Reads YAML text over {@code base} (see {@link PipelineConfig#load(java.nio.file.Path, PipelineConfig)}) without
     * validating it: the one reader of every config file (the pipeline's, the gateway's). A mistake is a
     * {@link ConfigException} starting with {@code origin}; a document with nothing in it is one too.
     *
     * @return {@code base}, filled in place
     */
    public static <T extends StrictConfig> T read(String yaml, String origin, T base, Class<T> type) {
        Object config;
        Bytes<?> bytes = Bytes.from(yaml);
        try {
            Wire wire = WireType.TEXT.apply(bytes);
            wire.consumePadding(); // blank lines and comments
            config = bytes.readRemaining() == 0 ? null : wire.getValueIn().object(base, type);
        } catch (RuntimeException | Error e) {
            for (Throwable t = e; t != null; t = t.getCause())
                if (t instanceof ConfigException)
                    throw new ConfigException(origin + ": " + t.getMessage());
            throw new ConfigException(origin + ": malformed YAML: " + oneLine(e));
        } finally {
            bytes.releaseLast();
        }
        if (config != base) // nothing but comments, or a null document: nothing was read into base
            throw new ConfigException(origin + ": empty config");
        return base;
    }

    private static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null)
            t = t.getCause();
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }

    /**
     * A key of an earlier release that this section still reads, so that older configs and the {@code summary.yaml}
     * of older replay runs load: the key it is now called, "" for a key that was removed because it had one legal
     * value, or null when {@code key} is not an old key. Each use logs one WARN line.
     */
    protected String renamedKey(String key) {
        return null;
    }

    /** For {@link #renamedKey}: {@code renames} is old, new, old, new...; null when {@code key} is none of the old. */
    protected static String renamed(String key, String... renames) {
        for (int i = 0; i < renames.length; i += 2)
            if (renames[i].equals(key))
                return renames[i + 1];
        return null;
    }

    private Field field(String key) {
        for (Field f : getClass().getFields())
            if (isSetting(f) && f.getName().equals(key))
                return f;
        for (Field f : getClass().getFields())
            if (isSetting(f) && f.getName().equalsIgnoreCase(key))
                throw new ConfigException("unknown key '" + key + "' in " + where() + " (keys are case-sensitive: "
                        + f.getName() + ")");
        throw new ConfigException("unknown key '" + key + "' in " + where()
                + " (check the spelling against " + sampleFile() + ")");
    }

    private static boolean isSetting(Field f) {
        int m = f.getModifiers();
        return !Modifier.isStatic(m) && !Modifier.isTransient(m);
    }

    private static Object value(Object current, Field field, String key, ValueIn in) {
        Class<?> type = field.getType();
        if (StrictConfig.class.isAssignableFrom(type))
            return section(type, key, in, (StrictConfig) current);
        if (type == List.class)
            return list(field, key, in);
        String text = scalar(key, in);
        if (type == String.class)
            return text;
        if (text == null)
            throw new ConfigException(key + " must have a value");
        String t = text.trim();
        if (type == int.class || type == long.class) {
            Range range = rangeOf(field);
            long v = checkRange(key, integer(key, t, range), range);
            return type == int.class ? (Object) (int) v : (Object) v;
        }
        if (type == double.class) {
            if (!DECIMAL.matcher(t).matches())
                throw new ConfigException(key + " must be a decimal number, was '" + text + "'");
            double d = Double.parseDouble(t);
            if (Double.isInfinite(d))
                throw new ConfigException(key + " is too large, was '" + text + "'");
            return d;
        }
        if (type == boolean.class) {
            if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false"))
                return Boolean.parseBoolean(t);
            throw new ConfigException(key + " must be true or false, was '" + text + "'");
        }
        throw new IllegalStateException("config field " + field + " has a type the reader does not know");
    }

    /** The text of a single value; a section or a list where one value belongs is refused. */
    private static String scalar(String key, ValueIn in) {
        BracketType bracket = in.getBracketType();
        if (bracket == BracketType.MAP || bracket == BracketType.SEQ)
            throw new ConfigException(key + " must be a single value, not a "
                    + (bracket == BracketType.MAP ? "section { }" : "list [ ]"));
        return in.text();
    }

    /** Every integer setting declares its range: an int field without one could still be wrapped by a cast. */
    private static Range rangeOf(Field field) {
        Range range = field.getAnnotation(Range.class);
        if (range == null)
            throw new IllegalStateException("integer config field " + field + " has no @Range");
        return range;
    }

    /** A plain decimal integer (digits may be grouped with {@code _}); beyond 64 bits it is out of range too. */
    private static long integer(String key, String text, Range range) {
        if (!INTEGER.matcher(text).matches())
            throw new ConfigException(key + " must be an integer in " + describe(range) + ", was '" + text + "'");
        String digits = text.replace("_", "");
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            // reported as written, never wrapped
            throw new ConfigException(key + " must be " + describe(range) + ", was " + digits);
        }
    }

    /**
     * Refuses a value outside the key's range with one line naming the key, the range and the value.
     *
     * @return the value
     */
    static long checkRange(String key, long value, Range range) {
        if (value < range.min() || value > range.max())
            throw new ConfigException(key + " must be " + describe(range) + ", was " + value);
        return value;
    }

    private static String describe(Range range) {
        return range.min() + ".." + range.max() + (range.note().isEmpty() ? "" : " (" + range.note() + ")");
    }

    /**
     * A nested section, {@code { key: value, ... }}, read over {@code current} when there is one; null for an empty
     * value (validate() names what is missing).
     */
    private static StrictConfig section(Class<?> type, String key, ValueIn in, StrictConfig current) {
        if (in.getBracketType() != BracketType.MAP) {
            String text = in.text();
            if (text == null || text.isBlank())
                return null;
            throw new ConfigException(key + " must be a section in { }, was '" + text + "'");
        }
        StrictConfig section = current != null ? current : newSection(type, key);
        section.path = key;
        in.marshallable(section);
        return section;
    }

    private static List<Object> list(Field field, String key, ValueIn in) {
        if (in.getBracketType() != BracketType.SEQ)
            throw new ConfigException(key + " must be a list in [ ], was '" + in.text() + "'");
        Class<?> element = (Class<?>) ((ParameterizedType) field.getGenericType()).getActualTypeArguments()[0];
        List<Object> list = new ArrayList<>();
        in.sequence(list, (l, items) -> {
            while (items.hasNextSequenceItem()) {
                String itemKey = key + "[" + l.size() + "]";
                if (element == String.class) {
                    l.add(scalar(itemKey, items));
                } else {
                    l.add(section(element, itemKey, items, null));
                }
            }
        });
        return list;
    }

    private static StrictConfig newSection(Class<?> type, String path) {
        try {
            StrictConfig section = (StrictConfig) type.getConstructor().newInstance();
            section.path = path;
            return section;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("config section " + type + " needs a public no-argument constructor", e);
        }
    }

    private String keyOf(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private String where() {
        return path.isEmpty() ? documentName() : path;
    }

    /** What the top level of this kind of config is called in messages. */
    protected String documentName() {
        return "pipeline config";
    }

    /** The sample file of this kind of config, whose keys an unknown key is to be checked against. */
    protected String sampleFile() {
        return "conf/pipeline.yaml";
    }

    /**
     * Checks every {@link Range} of this section and of the sections and lists of sections below it, named by their
     * path from {@code prefix}; for configs built or changed in code, which the YAML reader has not seen.
     */
    protected final void checkRanges(String prefix) {
        for (Field f : getClass().getFields()) {
            if (!isSetting(f))
                continue;
            String key = prefix.isEmpty() ? f.getName() : prefix + "." + f.getName();
            Object value;
            try {
                value = f.get(this);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("config field " + f + " is not public", e);
            }
            if (f.getType() == int.class || f.getType() == long.class)
                checkRange(key, ((Number) value).longValue(), rangeOf(f));
            if (value instanceof StrictConfig)
                ((StrictConfig) value).checkRanges(key);
            if (value instanceof List) {
                List<?> list = (List<?>) value;
                for (int i = 0; i < list.size(); i++)
                    if (list.get(i) instanceof StrictConfig)
                        ((StrictConfig) list.get(i)).checkRanges(key + "[" + i + "]");
            }
        }
    }
}
