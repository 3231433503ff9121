package dev.orderpipe.pipeline.util;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What a {@code heapBytes} estimate must add up to, measured on the object itself: the element bytes of every
 * primitive array it holds, directly or through the orderpipe objects it holds (array headers and the objects' own
 * fields are left out, as the estimates leave them out).
 */
public final class TableBytes {
    private TableBytes() {
    }

    public static long of(Object root) {
        return of(root, new IdentityHashMap<>());
    }

    private static long of(Object o, Map<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null)
            return 0;
        Class<?> type = o.getClass();
        if (type.isArray() && type.getComponentType().isPrimitive())
            return (long) Array.getLength(o) * elementBytes(type.getComponentType());
        if (!type.getName().startsWith("dev.orderpipe."))
            return 0;
        long total = 0;
        for (Class<?> c = type; c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive())
                    continue;
                f.setAccessible(true);
                try {
                    total += of(f.get(o), seen);
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return total;
    }

    private static int elementBytes(Class<?> primitive) {
        if (primitive == long.class || primitive == double.class)
            return 8;
        if (primitive == int.class || primitive == float.class)
            return 4;
        if (primitive == short.class || primitive == char.class)
            return 2;
        return 1;
    }
}
