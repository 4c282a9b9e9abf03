using Xunit.Abstractions;
using Xunit.Sdk;

namespace OpsBot.IntegrationTests.Infrastructure;

/// <summary>Runs a class's tests by name, for fixtures where one test (a restart) disturbs the others.</summary>
public sealed class AlphabeticalOrderer : ITestCaseOrderer
{
    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases.OrderBy(t => t.TestMethod.Method.Name, StringComparer.Ordinal);
}
