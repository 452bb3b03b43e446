package dev.jns.cli.filter;

/**
 * The four kinds of value the filter language knows. A column is a {@link #NUMBER} when its
 * JSON type is a number, otherwise a {@link #STRING}; literals carry their own kind.
 */
public enum DataType {
    STRING, NUMBER, FLOAT, BOOLEAN
}
