# The curator's weekly digest: what needs attention first, then each programme.
command-digest = The school's weekly digest
digest-title = 📊 <b>Digest of “{ $school }”</b>, week { $week }
digest-nothing-yet =
    📊 <b>Digest of “{ $school }”</b>
    The school has no mentoring programme yet, so there is nothing to report.
    Create one: /programmes. The digest comes weekly; /digest sends it now.
digest-attention-title = <b>⚠️ Needs attention</b>
digest-attention-none = ✅ Nothing urgent: everything is on track.
digest-more = and { $count } more
digest-attention-quiet = 💤 No meetings for a long time: { $count ->
        [one] { $count } pair
       *[other] { $count } pairs
    }
digest-attention-low-rating = 👎 Low meeting ratings: { $count ->
        [one] { $count } pair
       *[other] { $count } pairs
    }
digest-attention-falling-rating = 📉 Ratings falling: { $count ->
        [one] { $count } pair
       *[other] { $count } pairs
    }
digest-attention-disputed = ❗ A mentee says “it did not happen”: { $count ->
        [one] { $count } pair
       *[other] { $count } pairs
    }
digest-attention-unconfirmed = ⏳ Meetings unconfirmed for over 3 days: { $count ->
        [one] { $count } pair
       *[other] { $count } pairs
    }
digest-attention-misfit = 🙅 Answered “does not fit”: { $count ->
        [one] { $count } pair
       *[other] { $count } pairs
    }
digest-attention-survey-missing = 📝 Questionnaire not submitted near the deadline: { $count ->
        [one] { $count } person
       *[other] { $count } people
    }
digest-attention-unreachable = 🚫 Blocked the bot: { $count ->
        [one] { $count } person
       *[other] { $count } people
    }
digest-attention-unpaired = 🧍 Mentees without a pair: { $count }
digest-attention-choosing = 🤔 Choosing a mentor among those offered: { $count }
digest-attention-guardian = 👪 Waiting for a parent's consent: { $count }
digest-names = { $names }
digest-programme-title = <b>📚 { $programme }</b>
digest-programme-stage = Stage: { $stage }
digest-programme-pairs = Active pairs: { $pairs }
digest-programme-meetings = Meetings: { $week } this week, { $last } last week, { $total } in all
digest-programme-plan = Plan: { $done } of { $all } done
digest-programme-plan-none = Plan: no items yet
digest-programme-wave = Questionnaire ({ $wave }): { $submitted } of { $expected }, due { $deadline }
digest-programme-wave-none = No questionnaires yet
digest-wave-entry = entry
digest-wave-intermediate = intermediate
digest-wave-exit = exit
digest-wave-pulse = pulse
digest-chart-title = Meetings by week
digest-chart-held = held
digest-chart-confirmed = confirmed by mentees
digest-chart-empty = No meetings in 8 weeks
digest-chart-caption = 📈 Meetings over 8 weeks
digest-file-caption = 📎 Details for every pair
digest-file-name = digest-{ $week }.xlsx
digest-sheet = Pairs
digest-col-programme = Programme
digest-col-mentor = Mentor
digest-col-mentees = Mentees
digest-col-status = Status
digest-col-since = Since
digest-col-held = Meetings
digest-col-last = Last meeting
digest-col-rating = Mean rating
digest-col-plan = Plan (done/all)
digest-col-fit = Does the pair fit
digest-col-flags = Attention
digest-status-proposed = proposed
digest-status-active = active
digest-status-completed = completed
digest-status-terminated = ended
digest-fit-fits = fits
digest-fit-unsure = unsure
digest-fit-no = does not fit
digest-flag-quiet = no meetings for long
digest-flag-low-rating = low ratings
digest-flag-falling-rating = ratings falling
digest-flag-disputed = “did not happen”
digest-flag-unconfirmed = unconfirmed
digest-flag-misfit = “does not fit”
# /digest
digest-collecting = ⏳ Putting the digest together… It will arrive here in a minute.
digest-not-curator = The school's digest goes to curators. If you are a curator, ask the administrator for an invitation. Main menu: /start
digest-choose-school = Which school's digest?
# The digest's day and hour
digest-day-button = 📊 Digest day
digest-day-current =
    📊 The weekly digest of “{ $school }” reaches the curators on <b>{ $weekday }, { $hour }:00</b> ({ $timezone }).
    Choose the day and the hour.
digest-day-saved = ✅ The digest will come on { $weekday } at { $hour }:00.
digest-weekday-0 = Monday
digest-weekday-1 = Tuesday
digest-weekday-2 = Wednesday
digest-weekday-3 = Thursday
digest-weekday-4 = Friday
digest-weekday-5 = Saturday
digest-weekday-6 = Sunday
digest-weekday-short-0 = Mo
digest-weekday-short-1 = Tu
digest-weekday-short-2 = We
digest-weekday-short-3 = Th
digest-weekday-short-4 = Fr
digest-weekday-short-5 = Sa
digest-weekday-short-6 = Su
error-digest-schedule = Choose the weekday and the hour with the buttons.
