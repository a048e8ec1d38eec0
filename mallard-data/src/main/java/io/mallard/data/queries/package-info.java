/**
 * The queries Mallard is measured and checked with: the 22 TPC-H queries and the demo's queries. Main code (not test
 * code), because the demo and the benchmarks in {@code mallard.jar} run them as well as the tests.
 */
package io.mallard.data.queries;
