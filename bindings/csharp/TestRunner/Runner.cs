// A small NUnit 2.6 runner for runtimes nunit-console cannot run on (CoreCLR: no
// AppDomains, no remoting). It runs, in one process, every [Test] and [TestCase] of the
// [TestFixture] classes in one assembly, with [SetUp] and [TearDown], the way
// nunit-console does for these tests; prints one line per test and, last,
// "<label>: N passed, M failed" (an Assert.Ignore counts as neither). Exit code 1 on any
// failure or when no test passed.
//   dotnet exec --runtimeconfig coreclr.runtimeconfig.json TestRunner.exe LABEL TESTS.dll [FIXTURE-PREFIX]
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using NUnit.Framework;

internal static class Runner
{
    private static int Main(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: TestRunner.exe LABEL TESTS.dll [FIXTURE-PREFIX]");
            return 2;
        }
        string label = args[0];
        string prefix = args.Length > 2 ? args[2] : "";
        var assembly = Assembly.LoadFrom(args[1]);
        int passed = 0, failed = 0, ignored = 0;
        var fixtures = assembly.GetTypes()
            .Where(t => t.IsDefined(typeof(TestFixtureAttribute), false) && t.FullName.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(t => t.FullName, StringComparer.Ordinal);
        foreach (var fixture in fixtures)
        {
            var methods = fixture.GetMethods(BindingFlags.Public | BindingFlags.Instance);
            var setUp = methods.Where(m => m.IsDefined(typeof(SetUpAttribute), true)).ToList();
            var tearDown = methods.Where(m => m.IsDefined(typeof(TearDownAttribute), true)).ToList();
            foreach (var test in methods.OrderBy(m => m.Name, StringComparer.Ordinal))
            {
                foreach (var arguments in Cases(test))
                {
                    string name = fixture.FullName + "." + test.Name + (arguments.Length == 0 ? "" : "(" + string.Join(",", arguments.Select(Show)) + ")");
                    switch (Run(fixture, setUp, test, tearDown, arguments, out string why))
                    {
                        case Outcome.Passed:
                            passed++;
                            Console.WriteLine("ok - " + name);
                            break;
                        case Outcome.Ignored:
                            ignored++;
                            Console.WriteLine("ok - " + name + " # SKIP " + why);
                            break;
                        default:
                            failed++;
                            Console.WriteLine("not ok - " + name);
                            Console.WriteLine("  " + why.Replace("\n", "\n  "));
                            break;
                    }
                }
            }
        }
        Console.WriteLine("# " + ignored + " skipped (Assert.Ignore)");
        Console.WriteLine(label + ": " + passed + " passed, " + failed + " failed");
        return failed == 0 && passed > 0 ? 0 : 1;
    }

    private enum Outcome
    {
        Passed,
        Failed,
        Ignored,
    }

    /// <summary>The argument lists a method is run with: one empty list for [Test], one per [TestCase].</summary>
    private static IEnumerable<object[]> Cases(MethodInfo test)
    {
        var cases = test.GetCustomAttributes(typeof(TestCaseAttribute), false).Cast<TestCaseAttribute>().ToList();
        if (cases.Count > 0)
        {
            var parameters = test.GetParameters();
            return cases.Select(c => c.Arguments.Select((a, i) => Convert(a, parameters[i].ParameterType)).ToArray());
        }
        return test.IsDefined(typeof(TestAttribute), false) ? new[] { new object[0] } : new object[0][];
    }

    /// <summary>NUnit's conversions of a test case's constant to the parameter's type.</summary>
    private static object Convert(object value, Type type)
    {
        if (value == null || type.IsInstanceOfType(value))
        {
            return value;
        }
        if (type.IsEnum)
        {
            return Enum.ToObject(type, value);
        }
        return System.Convert.ChangeType(value, type, CultureInfo.InvariantCulture);
    }

    private static Outcome Run(Type fixture, List<MethodInfo> setUp, MethodInfo test, List<MethodInfo> tearDown, object[] arguments, out string why)
    {
        why = "";
        object instance = Activator.CreateInstance(fixture);
        Outcome outcome = Outcome.Passed;
        try
        {
            setUp.ForEach(m => m.Invoke(instance, null));
            test.Invoke(instance, arguments);
        }
        catch (Exception e)
        {
            outcome = Judge(e, out why);
        }
        try
        {
            tearDown.ForEach(m => m.Invoke(instance, null));
        }
        catch (Exception e)
        {
            if (outcome != Outcome.Failed)
            {
                outcome = Judge(e, out why);
                why = "in TearDown: " + why;
            }
        }
        return outcome;
    }

    private static Outcome Judge(Exception e, out string why)
    {
        var cause = e is TargetInvocationException && e.InnerException != null ? e.InnerException : e;
        why = cause.Message;
        if (cause is IgnoreException)
        {
            return Outcome.Ignored;
        }
        if (cause is SuccessException)
        {
            return Outcome.Passed;
        }
        why = cause.ToString();
        return Outcome.Failed;
    }

    private static string Show(object argument)
    {
        return argument == null ? "null" : argument is string text ? "\"" + text + "\"" : System.Convert.ToString(argument, CultureInfo.InvariantCulture);
    }
}
