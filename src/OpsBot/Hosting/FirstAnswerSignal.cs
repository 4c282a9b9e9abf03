using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using OpsBot.Components;

namespace OpsBot.Hosting;

/// <summary>
/// Opens the <see cref="ComponentStartGate"/> once the proxy's first response has gone out, so the components' start does
/// not compete with it for the CPU. Outermost in the proxy's pipeline; once the gate is open it costs one check per request.
/// </summary>
internal sealed class FirstAnswerSignal(ComponentStartGate gate) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(inner => context =>
        {
            if (!gate.IsOpen)
            {
                context.Response.OnCompleted(static state =>
                {
                    ((ComponentStartGate)state).Open();
                    return Task.CompletedTask;
                }, gate);
            }

            return inner(context);
        });
        next(app);
    };
}
