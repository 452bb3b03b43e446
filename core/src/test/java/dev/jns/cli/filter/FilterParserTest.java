package dev.jns.cli.filter;

import dev.jns.cli.filter.Expr.Compare;
import dev.jns.cli.filter.Expr.Comparison;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The filter language without lsns: tokens, grammar, messages, typing rules. */
class FilterParserTest {
    private static final Expr NS = new Expr.Column("NS");

    private static Expr lit(long n) {
        return new Expr.Literal(Value.ofNumber(n));
    }

    @Test
    void andAndOrBindEquallyFromTheLeftBelowComparisons() {
        Expr e = Filter.parse("NS == 1 || NS == 2 && NS == 3").root();
        assertThat(e).isEqualTo(new Expr.And(
                new Expr.Or(new Compare(Comparison.EQ, NS, lit(1)), new Compare(Comparison.EQ, NS, lit(2))),
                new Compare(Comparison.EQ, NS, lit(3))));
    }

    @Test
    void notBindsTighterThanAComparison() {
        assertThat(Filter.parse("!NS == 1").root()).isEqualTo(new Compare(Comparison.EQ, new Expr.Not(NS), lit(1)));
        assertThat(Filter.parse("not (NS eq 1)").root()).isEqualTo(new Expr.Not(new Compare(Comparison.EQ, NS, lit(1))));
    }

    @Test
    void wordOperatorsAndSymbolsAreTheSame() {
        assertThat(Filter.parse("NS ge 1 and NS lt 2 or NS ne 3").root())
                .isEqualTo(Filter.parse("NS >= 1 && NS < 2 || NS != 3").root());
        assertThat(Filter.parse("NS le 1 AND NS GT 2").root()).isEqualTo(Filter.parse("NS <= 1 && NS > 2").root());
    }

    @Test
    void literalsAreNumbersSizesFloatsStringsAndBooleans() {
        assertThat(Filter.parse("4K").root()).isEqualTo(lit(4096));
        assertThat(Filter.parse("1MiB").root()).isEqualTo(lit(1 << 20));
        assertThat(Filter.parse("010K").root()).isEqualTo(lit(8 * 1024)); // octal, as strtoumax with base 0
        assertThat(Filter.parse("99999999999999999999").root()).isEqualTo(lit(-1)); // saturates
        assertThat(Filter.parse("1.5").root()).isEqualTo(new Expr.Literal(Value.ofFloat(1.5)));
        assertThat(Filter.parse("' padded '").root()).isEqualTo(new Expr.Literal(Value.ofString("padded")));
        assertThat(Filter.parse("TRUE").root()).isEqualTo(new Expr.Literal(Value.ofBoolean(true)));
        assertThat(Filter.parse("True").root()).isEqualTo(new Expr.Column("True"));
        assertThat(Filter.parse("a.b:c/d-e%f_1").columns()).containsExactly("a.b:c/d-e%f_1");
    }

    @Test
    void charactersThatStartNoTokenAreSkippedAndKept() {
        Filter f = Filter.parse("NS ; == 5 ,");
        assertThat(f.echoed()).isEqualTo(";,");
        assertThat(f.root()).isEqualTo(new Compare(Comparison.EQ, NS, lit(5)));
        assertThat(Filter.parse("TYPE == \"net").columns()).containsExactly("TYPE", "net");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            NS ==                 | syntax error, unexpected end of file
            NS 5                  | syntax error, unexpected NUMBER, expecting end of file
            NS )                  | syntax error, unexpected ')', expecting end of file
            (NS 5                 | syntax error, unexpected NUMBER
            (NS                   | syntax error, unexpected end of file
            NS == == 1            | syntax error, unexpected EQ
            && NS                 | syntax error, unexpected AND
            TYPE == 'net          | syntax error, unexpected invalid token
            NS == 08K             | "08K" token error: Invalid argument
            NS == 20E             | "20E" token error: Numerical result out of range
            NS 08K                | syntax error, unexpected INVALID_NUMBER, expecting end of file
            TYPE =~ TYPE          | (null)
            TYPE =~ "("           | Unmatched ( or \\(
            TYPE =~ "["           | Invalid regular expression
            TYPE =~ "[a"          | Unmatched [, [^, [:, [., or [=
            TYPE =~ "*"           | Invalid preceding regular expression
            TYPE =~ "a{1"         | Unmatched \\{
            TYPE =~ "a{2,1}"      | Invalid content of \\{\\}
            TYPE =~ "[z-a]"       | Invalid range end
            TYPE =~ "[[:foo:]]"   | Invalid character class name
            """)
    void malformedExpressionsFailWithLibsmartcolsMessages(String expression, String message) {
        assertThatThrownBy(() -> Filter.parse(expression)).isInstanceOf(FilterSyntaxException.class).hasMessage(message);
    }

    /** A row of two columns: NS a number, TYPE a string; PID a number with no value. */
    private static boolean test(String expression, String ns, String type) {
        Map<String, String> cells = new java.util.HashMap<>();
        cells.put("NS", ns);
        cells.put("TYPE", type);
        cells.put("PID", null);
        return Filter.parse(expression).test(new Filter.Row() {
            @Override
            public DataType typeOf(String column) {
                return column.equals("TYPE") ? DataType.STRING : DataType.NUMBER;
            }

            @Override
            public Value valueOf(String column) {
                return Value.ofCell(cells.get(column), typeOf(column));
            }
        });
    }

    @Test
    void operandsMeetAtTheLiteralsType() {
        assertThat(test("NS == 4026531840", "4026531840", "net")).isTrue();
        assertThat(test("NS == \"4026531840\"", "4026531840", "net")).isTrue(); // compared as strings
        assertThat(test("NS > 4026531839.5", "4026531840", "net")).isTrue(); // as floats
        assertThat(test("TYPE == \" net \"", "1", "net")).isTrue(); // literals are trimmed
        assertThat(test("TYPE =~ \"^n[[:alpha:]]t$\"", "1", "net")).isTrue();
        assertThat(test("TYPE !~ \"e\"", "1", "net")).isFalse();
        assertThat(test("NS =~ \"^40\"", "4026531840", "net")).isTrue(); // the number as a string
        assertThatThrownBy(() -> test("TYPE == 5", "1", "net")).isInstanceOf(FilterEvaluationException.class)
                .hasMessage("Invalid argument");
        assertThatThrownBy(() -> test("3 == \"-5\"", "1", "net")).hasMessage("Numerical result out of range");
    }

    @Test
    void anEmptyNumberIsFalseUntilConvertedThenZero() {
        assertThat(test("PID", "1", "net")).isFalse();
        assertThat(test("PID == 0", "1", "net")).isFalse();
        assertThat(test("PID != 0", "1", "net")).isFalse();
        assertThat(test("PID == \"0\"", "1", "net")).isTrue();
        assertThat(test("PID < 0.5", "1", "net")).isTrue();
    }

    @Test
    void shortCircuitSkipsTheRightSide() {
        assertThat(test("NS == 1 || TYPE == 5", "1", "net")).isTrue();
        assertThat(test("NS == 2 && TYPE == 5", "1", "net")).isFalse();
    }

    @Test
    void onlyBlanksAreNotTheEmptyExpression() {
        assertThatThrownBy(() -> Filter.parse("   ")).hasMessage("syntax error, unexpected end of file");
    }

    @Test
    void theEmptyExpressionMatchesEverything() {
        assertThat(Filter.parse("").root()).isNull();
        assertThat(test("", "1", "net")).isTrue();
    }

    @Test
    void floatsBecomeStringsAsPrintfPercentG() {
        assertThat(Value.formatG(1000000.0)).isEqualTo("1e+06");
        assertThat(Value.formatG(1.5)).isEqualTo("1.5");
        assertThat(Value.formatG(0.0001)).isEqualTo("0.0001");
        assertThat(Value.formatG(123456.7)).isEqualTo("123457");
        assertThat(Value.formatG(0.00001234)).isEqualTo("1.234e-05");
    }
}
