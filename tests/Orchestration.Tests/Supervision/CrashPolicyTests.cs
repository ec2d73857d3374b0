using Orchestration.Config;
using Orchestration.Supervision;

namespace Orchestration.Tests.Supervision;

public sealed class CrashPolicyTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Stable = TimeSpan.FromSeconds(30);

    [Fact]
    public void Unstable_starts_double_the_delay_up_to_the_cap()
    {
        var policy = new CrashPolicy(new RestartPolicy());

        var delays = Enumerable.Range(0, 6).Select(_ => policy.OnCrash(Quick).Delay.TotalSeconds).ToList();

        Assert.Equal([0.5, 1, 2, 4, 5, 5], delays);
    }

    [Fact]
    public void A_crash_after_a_stable_run_waits_the_first_delay_again_however_many_came_before()
    {
        var policy = new CrashPolicy(new RestartPolicy());
        for (var i = 0; i < 7; i++) policy.OnCrash(Quick);

        var afterHours = policy.OnCrash(TimeSpan.FromHours(3));

        Assert.False(afterHours.GiveUp);
        Assert.Equal(TimeSpan.FromSeconds(0.5), afterHours.Delay);
        Assert.Equal(1, policy.UnstableStarts);
    }

    [Fact]
    public void Max_restarts_unstable_starts_in_a_row_give_up_and_a_stable_one_in_between_does_not()
    {
        var policy = new CrashPolicy(new RestartPolicy { MaxRestarts = 3 });

        Assert.False(policy.OnCrash(Quick).GiveUp);
        Assert.False(policy.OnCrash(Quick).GiveUp);
        Assert.False(policy.OnCrash(Stable).GiveUp); // stable: the count starts over
        Assert.False(policy.OnCrash(Quick).GiveUp);
        Assert.False(policy.OnCrash(Quick).GiveUp);
        var fourth = policy.OnCrash(Quick);

        Assert.True(fourth.GiveUp);
        Assert.Equal(3, fourth.UnstableStarts);
    }

    [Fact]
    public void A_deliberate_restart_starts_the_history_over()
    {
        var policy = new CrashPolicy(new RestartPolicy { MaxRestarts = 1 });
        policy.OnCrash(Quick);

        policy.Reset();

        Assert.False(policy.OnCrash(Quick).GiveUp);
    }
}
