## Meetings: logging in three taps, history, planning, the mentee's answers (issue #16)

meetings-menu-button = 🗓 Meetings
meetings-quiet-days-button = 🔕 A pair without meetings: remind after { $days } days
command-meeting = Meetings: log, plan, confirm

meetings-kind-organisational = Introductory
meetings-kind-trial = Trial working
meetings-kind-planning = Planning
meetings-kind-regular = Regular
meetings-kind-final = Final
meetings-format-offline = in person
meetings-format-online = online
meetings-format-offline-button = 🤝 In person
meetings-format-online-button = 💻 Online
meetings-minutes = { $minutes } min
meetings-summary = { $kind } · { $duration } min · { $format }

meetings-choose-pair = <b>Meeting.</b> Who was the meeting with?
meetings-day-prompt = <b>Meeting with: { $pair }</b>
    When was it? You can type a date, e.g. 21.11.
meetings-calendar-prompt = Pick a date (school time: { $timezone }) or type it, e.g. 21.11.
meetings-confirm-pair = <b>Meeting with: { $pair }</b>
meetings-confirm-day = Date: { $day }
meetings-confirm-summary = { $summary }
meetings-confirm-topic = Topic: { $topic }
meetings-confirm-outcome = Outcome: { $outcome }
meetings-confirm-present = Present: { $names }
meetings-button-save = ✅ { $summary }
meetings-button-save-edit = 💾 Save: { $summary }
meetings-button-today = Today
meetings-button-yesterday = Yesterday
meetings-button-calendar = 📅 Another date
meetings-button-kind = Type
meetings-button-duration = Duration
meetings-button-format = Format
meetings-button-topic = ✏️ Topic
meetings-button-outcome = ✏️ Outcome
meetings-button-attendance = 👥 Who came
meetings-button-clear = No text
meetings-button-done = Done
meetings-button-history = 📖 History
meetings-button-planned = 🗓 Plans
meetings-button-plan = 🗓 Plan the next one
meetings-button-propose = 🗓 Propose a time
meetings-button-menu = 🏠 Menu
meetings-button-edit = ✏️ Edit
meetings-button-delete = 🗑 Delete
meetings-button-delete-yes = Yes, delete
meetings-button-delete-no = No
meetings-kind-prompt = What kind of meeting was it? 👉 is the next one in the methodology.
meetings-duration-prompt = How long was it? Pick or type the minutes.
meetings-format-prompt = How did you meet?
meetings-topic-prompt = Type the topic (up to 200 characters).
meetings-outcome-prompt = Type what you arrived at (up to 1000 characters).
meetings-attendance-prompt = Tick who came and press «Done».
meetings-attendance-empty = Tick at least one participant.
meetings-saved = ✅ Meeting saved: { $day }, { $summary }.
    The mentees will confirm it themselves.
meetings-history-title = <b>Meetings</b> (newest first)
meetings-history-empty = No meetings yet.
meetings-view-title = <b>Meeting { $day }</b>{ $status ->
    [cancelled] {" "}— did not happen
   *[other] {""}
}
meetings-view-mentee-yes = { $name }: ✅ confirmed
meetings-view-mentee-waiting = { $name }: ⏳ no answer yet
meetings-view-mentee-disputed = { $name }: ⚠️ says it did not happen
meetings-view-mentee-absent = { $name }: absent
meetings-view-rating = Rating: { $rating } of 5
meetings-view-comment = Comment: { $comment }
meetings-delete-confirm = Delete the record of this meeting?
meetings-deleted = Deleted.
meetings-view-curator-only = Only the curator can change or delete this record now: write to them if something in it is wrong.

meetings-held-question = <b>Did the meeting take place?</b>
    { $when } · { $summary }
meetings-button-held-yes = ✅ Yes, as planned
meetings-button-held-no = ✖️ It did not
meetings-button-other = Log another one
meetings-not-held-noted = Noted: the meeting did not take place.

meetings-planned-title = <b>Planned meetings</b>
meetings-planned-none = No next meeting yet. You can propose a time.
meetings-planned-agreed = ✅ { $when } — agreed
meetings-planned-mine = ⏳ { $when } — waiting for an answer
meetings-planned-theirs = ❓ { $when } — proposed to you
meetings-button-accept = ✅ Suits me
meetings-button-counter = 🔁 Another time
meetings-button-move = 🗓 Move the meeting
meetings-accepted = Agreed! I will remind you a day and an hour before.
meetings-plan-day-prompt = Which day? You can type a date, e.g. 28.11.
meetings-button-tomorrow = Tomorrow
meetings-button-after-tomorrow = In two days
meetings-plan-time-prompt = { $day }: what time? Pick or type it, e.g. 15:30.

meetings-ask = { $mentor } logged a meeting on { $day } ({ $kind }). Did it take place?
meetings-button-happened = ✅ It did
meetings-button-not-happened = ✖️ It did not
meetings-ask-answered = You have already answered about the meeting on { $day } ({ $kind }) — your answer is saved. If it needs changing, write to the curator.
meetings-rate-prompt = Rate the meeting from 1 to 5. Your mentor will not see the rating.
meetings-comment-prompt = Want to add a comment? The curator will read it. Or press «Skip».
meetings-button-skip = Skip
meetings-share-prompt = Show the comment to your mentor too?
meetings-button-share-no = Curator only
meetings-button-share-yes = Mentor too
meetings-fit-prompt = How is working with your mentor: does it suit you?
meetings-fit-fits = 👍 It suits me
meetings-fit-unsure = 🤔 Not sure yet
meetings-fit-no = 👎 It does not
meetings-thanks = Thank you! Your answer is saved.
meetings-nothing = You have no pair or group to log meetings for yet.

## Messages the bot sends on its own (through the outbox)
meetings-notice-confirm = Your mentor logged a meeting on { $day }. Open /meeting to confirm and rate it.
meetings-notice-disputed = ⚠️ { $mentee } says the meeting on { $day } with mentor { $mentor } did not take place.
meetings-notice-proposed = { $name } proposes to meet { $when }. Open /meeting to answer.
meetings-notice-countered = { $name } proposes another time: { $when }. Open /meeting to answer.
meetings-notice-agreed = ✅ { $name } confirmed the meeting { $when }.
meetings-notice-rescheduled = 🗓 { $name } asks to move the meeting { $old } to { $when }. Tap «🗓 Plans» below to accept or suggest another time.
meetings-notice-reminder-24h = Reminder: meeting { $when }.
meetings-notice-reminder-1h = Meeting in { $left }, at { $time }.
time-left-hour = an hour
time-left-minutes = { $minutes } min
time-left-hours = { $hours } h{ $minutes ->
    [0] {""}
   *[other] {" "}{ $minutes } min
}
meetings-notice-held-ask = Did the meeting { $when } take place? Open /meeting — one tap logs it.
meetings-notice-fit-no = ⚠️ { $mentee } says working with mentor { $mentor } does not suit them. A new pair may be needed.
meetings-notice-quiet-nudge = No meetings for { $days } days ({ $mentees }). Log one in /meeting or agree on the next.
meetings-notice-quiet-curator = Pair { $mentor } — { $mentees }: no meetings for { $days } days.
meetings-notice-quiet-close = Pair { $mentor } — { $mentees }: no meetings for { $days } days. Consider ending the pair or finding another mentor (/pairs).

error-meeting-attendance = Tick at least one participant.
error-meeting-date = I did not understand the date. Type it like 21.11 or 21.11.2026.
error-meeting-date-future = This date has not come yet. A future meeting can be planned.
error-meeting-date-old = This date is too long ago — more than a year.
error-meeting-duration = Type the duration in minutes, from 5 to { $limit }, e.g. 50.
error-meeting-fields = Check the type, duration and format.
error-meeting-fit = Pick an answer with a button.
error-meeting-fit-answered = You have already answered this.
error-meeting-locked = A record can be changed within 48 hours; now only the curator can.
error-meeting-curator-only = Only the curator can change or delete this record now: write to them if something in it is wrong.
error-meeting-answer-final = You have already answered about this meeting — your answer is saved. Only the curator can change it: write to them.
error-meeting-answer-final-young = You have already answered about this meeting — your answer is saved. Only the curator can change it: write to them.
error-meeting-not-confirmed = First confirm that the meeting took place.
error-meeting-not-open = This proposal no longer waits for an answer.
error-meeting-not-agreed = This meeting can no longer be moved: it is over, cancelled or not agreed yet.
error-meeting-not-yet = This meeting's time has not come yet.
error-meeting-own-proposal = This is your proposal: the other side answers it.
error-meeting-pair-inactive = The pair is not active: meetings are not logged in it.
error-meeting-plan-far = You can plan at most 120 days ahead.
error-meeting-plan-past = This time has passed. Pick a time in the future.
error-meeting-rating = The rating is from 1 to 5.
error-meeting-time = I did not understand the time. Type it like 15:30.
error-meeting-plan-night = A meeting with a child is not planned between 21:00 and 07:00 — choose a daytime hour.
meetings-button-later = ⏭ Later, to the menu
