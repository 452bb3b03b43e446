package dev.jns.spec;

/** The clock whose offset a new time namespace shifts. */
public enum Clock { MONOTONIC, BOOTTIME }
