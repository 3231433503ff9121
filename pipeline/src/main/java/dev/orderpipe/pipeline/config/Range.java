package dev.orderpipe.pipeline.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The values an integer config key accepts. Reading the YAML refuses anything else before it reaches the field (so a
 * value never wraps around or falls back to its default), and {@link PipelineConfig#validate()} checks the fields of a
 * config built in code; both with the message of {@link StrictConfig#checkRange}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Range {
    long min();

    long max();

    /** What a special value means, e.g. {@code "0 disables it"}; shown in the message. */
    String note() default "";
}
