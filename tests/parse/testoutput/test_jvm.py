"""JUnit output: Maven Surefire, Gradle, JUnit XML."""

from __future__ import annotations

from engram.parse.testoutput import (
    detect_runner,
    parse_test_output,
)
from tests.parse.testoutput.helpers import failures, runners

SUREFIRE = """\
[INFO] -------------------------------------------------------
[INFO]  T E S T S
[INFO] -------------------------------------------------------
[INFO] Running com.acme.FooTest
[ERROR] Tests run: 4, Failures: 1, Errors: 2, Skipped: 0, Time elapsed: 0.05 s <<< FAILURE! - in com.acme.FooTest
[ERROR] testBar(com.acme.FooTest)  Time elapsed: 0.01 s  <<< FAILURE!
java.lang.AssertionError: expected:<1> but was:<2>
\tat org.junit.Assert.fail(Assert.java:89)
\tat org.junit.Assert.failNotEquals(Assert.java:835)
\tat com.acme.FooTest.testBar(FooTest.java:42)

[ERROR] testBaz(com.acme.FooTest)  Time elapsed: 0 s  <<< ERROR!
java.lang.NullPointerException: Cannot invoke "String.length()" because "s" is null
\tat com.acme.Foo.size(Foo.java:12)
\tat com.acme.FooTest.testBaz(FooTest.java:20)

[ERROR] testSlow(com.acme.FooTest)  Time elapsed: 0.1 s  <<< ERROR!
org.junit.runners.model.TestTimedOutException: test timed out after 100 milliseconds
\tat java.base/java.lang.Thread.sleep(Native Method)

[INFO]
[INFO] Results:
[INFO]
[ERROR] Failures:
[ERROR]   FooTest.testBar:42 expected:<1> but was:<2>
[ERROR] Errors:
[ERROR]   FooTest.testBaz:20 » NullPointer Cannot invoke "String.length()" because "s" is null
[ERROR]   FooTest.testSlow » TestTimedOut test timed out after 100 milliseconds
[INFO]
[ERROR] Tests run: 4, Failures: 1, Errors: 2, Skipped: 0
[INFO]
[INFO] ------------------------------------------------------------------------
[INFO] BUILD FAILURE
[INFO] ------------------------------------------------------------------------
"""


def test_surefire_per_test_blocks_win_over_the_summary() -> None:
    assert failures(SUREFIRE) == [
        (
            "com.acme.FooTest.testBar",
            "assertion",
            "java.lang.AssertionError: expected:<1> but was:<2>",
        ),
        (
            "com.acme.FooTest.testBaz",
            "runtime",
            'java.lang.NullPointerException: Cannot invoke "String.length()" because "s" is null',
        ),
        (
            "com.acme.FooTest.testSlow",
            "timeout",
            "org.junit.runners.model.TestTimedOutException: test timed out after 100 milliseconds",
        ),
    ]
    assert detect_runner(SUREFIRE) == "junit"
    assert runners(SUREFIRE) == {"junit"}


def test_surefire_summary_alone() -> None:
    summary = SUREFIRE[SUREFIRE.index("[INFO] Results:") :]
    assert failures(summary) == [
        ("FooTest.testBar", "assertion", "expected:<1> but was:<2>"),
        (
            "FooTest.testBaz",
            "runtime",
            'NullPointer Cannot invoke "String.length()" because "s" is null',
        ),
        ("FooTest.testSlow", "timeout", "TestTimedOut test timed out after 100 milliseconds"),
    ]


def test_surefire_junit5_and_github_actions_prefixes() -> None:
    text = """\
[INFO] Running com.acme.BarTest
Error:  Tests run: 2, Failures: 2, Errors: 0, Skipped: 0, Time elapsed: 0.03 s <<< FAILURE! -- in com.acme.BarTest
Error:  com.acme.BarTest.sums -- Time elapsed: 0.012 s <<< FAILURE!
org.opentest4j.AssertionFailedError: expected: <3> but was: <4>
\tat org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:151)
Error:  waits  Time elapsed: 2.1 s  <<< FAILURE!
org.opentest4j.AssertionFailedError: "ready" did not occur in time
"""
    assert failures(text) == [
        (
            "com.acme.BarTest.sums",
            "assertion",
            "org.opentest4j.AssertionFailedError: expected: <3> but was: <4>",
        ),
        (
            "waits",
            "assertion",
            'org.opentest4j.AssertionFailedError: "ready" did not occur in time',
        ),
    ]


def test_surefire_old_results_format() -> None:
    text = """\
-------------------------------------------------------
 T E S T S
-------------------------------------------------------
Running com.acme.FooTest
Tests run: 2, Failures: 1, Errors: 1, Skipped: 0, Time elapsed: 0.05 sec <<< FAILURE!

Results :

Failed tests:   testBar(com.acme.FooTest): expected:<1> but was:<2>
Tests in error:
  testBaz(com.acme.FooTest): For input string: "x"

Tests run: 2, Failures: 1, Errors: 1, Skipped: 0
"""
    assert failures(text) == [
        ("com.acme.FooTest.testBar", "assertion", "expected:<1> but was:<2>"),
        ("com.acme.FooTest.testBaz", "runtime", 'For input string: "x"'),
    ]


def test_maven_compilation_error() -> None:
    text = """\
[INFO] --- maven-compiler-plugin:3.11.0:compile (default-compile) @ foo ---
[INFO] -------------------------------------------------------------
[ERROR] COMPILATION ERROR :
[INFO] -------------------------------------------------------------
[ERROR] /app/src/main/java/com/acme/Foo.java:[10,5] cannot find symbol
  symbol:   variable y
  location: class com.acme.Foo
[ERROR] /app/src/test/java/com/acme/FooTest.java:[3,24] package org.junit.jupiter.api does not exist
[INFO] 2 errors
[INFO] -------------------------------------------------------------
[INFO] BUILD FAILURE
[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.11.0:compile (default-compile) on project foo: Compilation failure: Compilation failure:
[ERROR] /app/src/main/java/com/acme/Foo.java:[10,5] cannot find symbol
[ERROR]   symbol:   variable y
[ERROR]   location: class com.acme.Foo
"""
    assert failures(text) == [
        (
            None,
            "compile",
            "/app/src/main/java/com/acme/Foo.java:[10,5] cannot find symbol (symbol: variable y)",
        ),
        (
            None,
            "import",
            "/app/src/test/java/com/acme/FooTest.java:[3,24] package org.junit.jupiter.api does not "
            "exist",
        ),
    ]
    truncated = text[: text.index("[ERROR] /app/src/main")]
    assert failures(truncated) == [(None, "compile", "COMPILATION ERROR")]


def test_gradle_failed_tests() -> None:
    text = """\
> Task :test FAILED

FooTest > testBar() FAILED
    org.opentest4j.AssertionFailedError at FooTest.java:12

FooTest > testBaz() FAILED
    java.lang.IllegalStateException at FooTest.java:20

2 tests completed, 2 failed

FAILURE: Build failed with an exception.
"""
    assert failures(text) == [
        ("FooTest.testBar", "assertion", "org.opentest4j.AssertionFailedError at FooTest.java:12"),
        ("FooTest.testBaz", "runtime", "java.lang.IllegalStateException at FooTest.java:20"),
    ]


JUNIT_XML = """\
<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <testsuite name="com.acme.FooTest" tests="4" failures="1" errors="1" skipped="1">
    <testcase name="testOk" classname="com.acme.FooTest" time="0.001"/>
    <testcase name="testBar" classname="com.acme.FooTest" time="0.01">
      <failure message="expected:&lt;1&gt; but was:&lt;2&gt;" type="java.lang.AssertionError">java.lang.AssertionError: expected:&lt;1&gt; but was:&lt;2&gt;
\tat com.acme.FooTest.testBar(FooTest.java:42)</failure>
    </testcase>
    <testcase name="testBaz" classname="com.acme.FooTest" time="0">
      <error message="boom" type="java.lang.IllegalStateException"><![CDATA[java.lang.IllegalStateException: boom
\tat com.acme.FooTest.testBaz(FooTest.java:20)]]></error>
    </testcase>
    <testcase name="testSkip" classname="com.acme.FooTest"><skipped/></testcase>
  </testsuite>
  <testsuite name="calc" tests="1" failures="1">
    <testcase classname="example.com/calc" name="TestSub" time="0.000">
      <failure message="Failed" type="">    calc_test.go:15: expected 5, got 3</failure>
    </testcase>
  </testsuite>
</testsuites>
"""


def test_junit_xml_failures_and_errors() -> None:
    expected = [
        (
            "com.acme.FooTest.testBar",
            "assertion",
            "java.lang.AssertionError: expected:<1> but was:<2>",
        ),
        ("com.acme.FooTest.testBaz", "runtime", "java.lang.IllegalStateException: boom"),
        ("example.com/calc.TestSub", "assertion", "calc_test.go:15: expected 5, got 3"),
    ]
    assert failures(JUNIT_XML) == expected
    assert detect_runner(JUNIT_XML) == "junit"
    assert runners(JUNIT_XML) == {"junit"}


def test_truncated_or_malformed_junit_xml_is_scanned_tag_by_tag() -> None:
    cut = JUNIT_XML[: JUNIT_XML.index('<testcase name="testSkip"')]
    assert failures(cut)[:2] == [
        (
            "com.acme.FooTest.testBar",
            "assertion",
            "java.lang.AssertionError: expected:<1> but was:<2>",
        ),
        ("com.acme.FooTest.testBaz", "runtime", "java.lang.IllegalStateException: boom"),
    ]
    broken = JUNIT_XML.replace("</testsuite>\n  <testsuite", "</testsuite>\n  <<testsuite", 1)
    assert [f[0] for f in failures(broken)] == [
        "com.acme.FooTest.testBar",
        "com.acme.FooTest.testBaz",
        "example.com/calc.TestSub",
    ]


def test_junit_xml_with_entities_is_never_expanded() -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
        '<testsuite><testcase name="t" classname="C"><failure message="&lol2;"/></testcase>'
        "</testsuite>\n"
    )
    assert failures(bomb) == [("C.t", "assertion", "&lol2;")]


def test_passing_junit_xml_has_no_failures() -> None:
    text = '<testsuite tests="1"><testcase name="a" classname="A"/></testsuite>'
    assert parse_test_output(text) == []
