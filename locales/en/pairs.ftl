## Pairs and groups, the mentee's choice, the agreement, the development plan (issue #15)

command-pairs = Pairs and groups
command-plan = Development plan

# --- the curator's /pairs ------------------------------------------------------------
pairs-choose-programme = <b>Pairs and groups.</b> Choose a programme:
pairs-no-programmes = Your schools have no programmes yet. Create one under «Programmes».
pairs-people-title = <b>{ $programme }</b> · stage: { $stage }
pairs-counts = Mentees: { $mentees } · mentors: { $mentors } · without a pair: { $no_pair } · without consent: { $no_consent } · pairs: { $pairs }
pairs-filter-title = Showing: { $filter } ({ $count })
pairs-filter-all = All: { $count }
pairs-filter-no_pair = Without a pair: { $count }
pairs-filter-mentees = Mentees: { $count }
pairs-filter-mentors = Mentors: { $count }
pairs-filter-no_consent = No consent: { $count }
pairs-filter-free = With room: { $count }
pairs-filter-full = Full: { $count }
pairs-filter-categories = By category
pairs-filter-category = { $name }: { $count }
pairs-filter-name-all = everyone
pairs-filter-name-no_pair = mentees without a pair
pairs-filter-name-mentees = mentees
pairs-filter-name-mentors = mentors
pairs-filter-name-no_consent = consent not complete
pairs-filter-name-free = mentors with room
pairs-filter-name-full = mentors with no room
pairs-filter-name-category = category «{ $name }»
pairs-nobody = Nobody here yet.
pairs-person-label = { $icon } { $name }
pairs-button-pairs = 🤝 Pairs and groups ({ $count })
pairs-button-stage = 🧭 Programme stage
pairs-button-contacts-on = 📇 Contacts in pairs: shown
pairs-button-contacts-off = 📇 Contacts in pairs: hidden
pairs-button-order = 📄 School order
pairs-categories-title = Participant categories (curators only):

pairs-gaps-title = <b>Still missing:</b>
pairs-gaps-none = Every stage is ready.
pairs-gap-line = { $stage }: { $what }
pairs-gap-no-mentees = no mentees yet
pairs-gap-registering = { $count } have not finished registering
pairs-gap-no-mentors = no mentors yet
pairs-gap-no-consent = { $count } without complete consent
pairs-gap-no-pair = { $count } mentees without a mentor
pairs-gap-proposed = { $count } pairs wait for approval
pairs-gap-no-order = { $count } pairs without an order
pairs-gap-not-accepted = { $count } mentors have not accepted the agreement
pairs-gap-still-active = { $count } pairs are still working

pairs-mentee-card =
    <b>{ $name }</b> — mentee
    Category: { $category }
    Consent: { $consent }
    Pair: { $pair }
pairs-mentor-card =
    <b>{ $name }</b> — mentor
    Category: { $category }
    Consent: { $consent }
    Takes mentees: { $capacity }, now: { $load }
pairs-consent-complete = complete
pairs-consent-incomplete = not complete — cannot be paired yet
pairs-no-category = not set
pairs-pair-none = none
pairs-pair-some = yes (no. { $id })
pairs-suggestions-title = <b>Suggested mentors</b> (best first):
pairs-suggestion = <b>{ $name }</b> — { $score } of 100
    { $reasons }
pairs-suggestions-none = The programme has no mentors yet.
pairs-suggestion-label = { $name } · { $score }
pairs-button-pick-by-hand = ✋ Pick a mentor by hand
pairs-button-offer = 🗳 Offer 2–3 to choose from
pairs-button-group = 👥 Form a group
pairs-button-capacity-less = − place
pairs-button-capacity-more = + place
pairs-pick-mentor = Choose a mentor:
pairs-pick-mentees = Tick the mentees without a pair for the group (several allowed):
pairs-pick-offer = Tick 2 or 3 mentors for the mentee to choose from:
pairs-button-done = Done
pairs-confirm-propose = Propose a pair: mentor <b>{ $mentor }</b> — { $mentees }?
pairs-button-propose = ✅ Propose
pairs-proposed = The pair is proposed. The participants will get a message.
pairs-offered = Candidates offered: { $count }. The mentee will get a message and choose.
pairs-hint-choose-offer = Tick two or three mentors.
pairs-hint-choose-mentees = Tick at least one mentee.

# «✨ Suggestions»: the best mentor for every mentee without a pair, proposed together
pairs-button-suggest-all = ✨ Suggestions: pair everyone
pairs-bulk-title = <b>✨ Suggestions</b> — the best mentor for everyone without a pair: { $ready } of { $count }.
    The best matches are taken first; no mentor is suggested to more people than they have free places. ✅ proposes one line, ✋ picks a mentor by hand.
pairs-bulk-line = { $n }. <b>{ $mentee }</b> → { $mentor } · { $score }
    { $reasons }
pairs-bulk-line-none = { $n }. <b>{ $mentee }</b> — the suitable mentors have no places left: pick by hand (✋).
pairs-bulk-nobody = Every mentee with complete consent already has a pair or is choosing a mentor.
pairs-bulk-page = Page { $page } of { $pages }. «Propose all» proposes the lines of every page.
pairs-button-propose-all = 📨 Propose all ({ $count })
pairs-button-by-hand-line = ✋ { $n }
pairs-button-to-approve = ▶️ Approve the proposed ({ $count })
pairs-bulk-proposed = <b>Pairs proposed: { $count }.</b> The participants got a message.
    { $pairs }
    Approve them now? The pairs start working; the participants get the agreement and contacts.
pairs-bulk-none-proposed = No pairs proposed from here wait for approval.
pairs-button-approve-all = ▶️ Approve all ({ $count })
pairs-bulk-activated = Pairs working: { $count }. The participants got the agreement.

pairs-reason-topics = ✓ matches the request: { $topics }
pairs-reason-own-words = the request in their own words
pairs-reason-ages = ✓ prefers age { $age }
pairs-reason-times = ✓ convenient time: { $times }
pairs-reason-no_times = ✗ no convenient time in common
pairs-reason-capacity = ✓ has room: { $free } of { $capacity }
pairs-reason-full = ✗ no room (takes { $capacity })
pairs-reason-form = ✓ suits the programme's form
pairs-reason-none = nothing in common found

pairs-list-title = <b>Pairs and groups</b> of «{ $programme }»: { $count }
pairs-pair-label = { $icon } { $mentor } — { $mentees }
pairs-status-proposed = proposed
pairs-status-active = working
pairs-status-completed = completed
pairs-status-terminated = terminated
pairs-pair-card =
    <b>{ $kind } no. { $id }</b> · { $status }
    Mentor: { $mentor } { $mentor_ok }
    { $mentees_label }: { $mentees }
pairs-kind-pair = Pair
pairs-kind-group = Group
pairs-mentees-label = Mentees
pairs-accepted-mark = (agreement accepted)
pairs-not-accepted-mark = (agreement not accepted)
pairs-order-line = Order no. { $number } of { $date }
pairs-no-order = No order yet
pairs-past-mentors = Earlier mentors: { $names }
pairs-ended-line = Outcome: { $status }, reason: { $reason }
pairs-plan-progress = Plan: { $done } of { $total } done, { $in_progress } in progress
pairs-button-activate = ▶️ Approve and start
pairs-button-complete = 🏁 Complete
pairs-button-terminate = ⛔ Terminate
pairs-button-replace = 🔁 Replace the mentor
pairs-button-open-plan = 📋 Development plan
pairs-activated = The pair is working. The participants got the agreement and contacts.
pairs-ended = Done: the pair is { $status }.
pairs-replaced = The mentor is replaced; the pair's meetings, plan and history are kept.
pairs-end-reason-title = Reason:
pairs-end-reason-goal_reached = Goals reached
pairs-end-reason-programme_over = The programme ended
pairs-end-reason-mentee_left = The mentee left
pairs-end-reason-mentor_left = The mentor left
pairs-end-reason-no_contact = Could not get in touch
pairs-end-reason-not_working_together = Did not work well together
pairs-end-reason-other = Other (type it)
pairs-end-reason-none = not given
pairs-end-note-ask = Type the reason in one message:

pairs-order-pick = Tick the pairs the order confirms:
pairs-order-ask = Type the order's number and date, e.g. <code>45-о от 01.10.2026</code>
pairs-order-recorded = Order no. { $number } of { $date } recorded for pairs: { $count }.
pairs-order-none = No pairs an order could be recorded for.

pairs-stage-title = Current stage: <b>{ $stage }</b>. The stage moves on as pairs appear; you can also choose it by hand:
pairs-stage-current = • { $stage }
pairs-stage-moved = Programme stage: { $stage }.

# --- participants ---------------------------------------------------------------------
pairs-menu-button = 🤝 My pair
pairs-menu-choice-button = 🗳 Choose a mentor
pairs-menu-line-mentor = 🤝 { $status }: your mentees — { $partner }. { $next }
pairs-menu-line-mentee = 🤝 { $status }: your mentor — { $partner }. { $next }
pairs-menu-choice = 🗳 The curator offered you mentors to choose from.
pairs-menu-waiting = 📨 You were chosen as a mentor: { $names }. Answer under «My pair».
pairs-next-proposed = Next: the curator approves the pair.
pairs-next-agreement = Next: accept the cooperation agreement (under «🤝 My pair»).
pairs-next-meeting = Next: agree on the organisational meeting.
pairs-next-ended = The pair's work is over.
pairs-mine-title = <b>My pair</b>
pairs-mine-none = You have no pair yet. The programme's curator will tell you when there is one.
pairs-mine-card-mentor =
    <b>{ $kind } no. { $id }</b> · { $status }
    Mentees: { $partner }
    { $next }
pairs-mine-card-mentee =
    <b>Your pair</b> · { $status }
    Mentor: { $partner }
    { $next }
pairs-agreement-title = <b>Agreement on cooperation</b>
pairs-agreement-accepted = ✅ Agreement accepted.
pairs-button-accept = ✅ I accept the agreement
pairs-accepted = Thank you! The agreement is accepted.
pairs-accepted-many = Thank you! The agreement is accepted for all your pairs with this agreement at once: { $count }.
pairs-button-contact = 💬 Write to { $name }
pairs-contact-off = In this programme the curator passes on contacts.
pairs-contact-off-minor = { $young ->
    [yes] Talk to your mentor at your meetings at school. If something is urgent, tell the curator or your form teacher.
   *[no] A pair with a child has no direct Telegram chat: talk at your meetings and through the curator. The programme's curator can turn it on (the parents are told).
}
pairs-button-minor-contact-on = 👶 Chat with children: on
pairs-button-minor-contact-off = 👶 Chat with children: off
pairs-notice-minor-contact =
    ℹ️ In the mentoring programme «{ $programme }» the curator turned on a direct Telegram chat between { $child } and { $partner }: they can now write to each other directly.
    If you object, write to the programme's curator or the form teacher.
pairs-button-answer = 📨 Answer: { $name }

pairs-choice-title = <b>Choose a mentor.</b> The curator offered people who can help you:
pairs-choice-candidate =
    <b>{ $name }</b>
    Helps with: { $helps }
    Meets: { $times }
pairs-choice-unknown = not given
pairs-choice-pick = Choose: { $name }
pairs-button-others = 🔄 Ask for others
pairs-choice-chosen = Done! { $name } will get a message and answer within 3 days.
pairs-choice-waiting = You chose { $name }. Waiting for the mentor's answer.
pairs-choice-others-sent = The curator got your request for other mentors.

pairs-answer-title = <b>{ $name }</b> chose you as a mentor. Please answer within 3 days.
pairs-button-yes = ✅ I agree
pairs-button-no = ❌ I can't
pairs-decline-ask = Briefly type the reason (only the curator sees it) or tap «Skip».
pairs-button-skip = Skip
pairs-answer-accepted = Thank you! The curator will approve the pair.
pairs-answer-declined = Understood, the curator will find another mentor.

# --- notices (through the outbox) ----------------------------------------------------------
pairs-notice-proposed = { $side ->
    [mentor] 🤝 The curator proposes { $count ->
        [one] a pair: your mentee — { $partner }.
       *[other] a group: { $partner }.
    } Once the curator approves it, the agreement appears here.
   *[mentee] 🤝 The curator proposes a mentor for you: { $partner }. The pair will start soon.
}
pairs-notice-active = { $side ->
    [mentor] 🤝 The pair has started. Your mentees: { $partner }.
        Press «Open «My pair»» below: the agreement on cooperation is there; accept it with the button.
        Next step: agree on the organisational meeting.
   *[mentee] 🤝 Your pair has started. Your mentor is { $partner }.
        Press «Open «My pair»» below: the agreement is there; accept it with the button.
        Next step: agree on the first meeting to get to know each other.
}
pairs-notice-ended = The pair's work ({ $partner }) { $outcome ->
    [completed] is completed. Thank you!
   *[other] was ended by the curator.
}
pairs-notice-mentor-new = 🤝 You are the new mentor of { $partner }. Open /start → «My pair» to accept the agreement.
pairs-notice-mentor-removed = The curator appointed another mentor for { $partner }. Thank you for your work!
pairs-notice-mentor-replaced = 🔁 Your new mentor is { $partner }. The pair's plan and meetings are kept.
pairs-notice-choice-offered = 🗳 The curator offered you mentors ({ $count }). Tap «🗳 Choose a mentor» below and choose one.
pairs-notice-choice-chosen = 📨 { $partner } chose you as a mentor. Please answer within { $days } days: /start → «My pair».
pairs-notice-choice-reminder = ⏰ Reminder: { $partner } is waiting for your answer. { $days } day(s) left: /start → «My pair».
pairs-notice-choice-accepted = 🎉 { $partner } agreed to be your mentor. The curator will approve the pair.
pairs-notice-choice-accepted-curator = { $partner } agreed to mentor { $name }. Approve the pair in /pairs.
pairs-notice-choice-declined = { $partner } cannot be a mentor now. The curator will offer others.
pairs-notice-choice-declined-curator = { $partner } declined to mentor { $name }. Reason: { $reason }. Offer others in /pairs.
pairs-notice-choice-expired = { $partner } did not answer in 3 days. The curator will offer others.
pairs-notice-choice-expired-curator = { $partner } did not answer { $name }'s choice in 3 days. Offer others in /pairs.
pairs-notice-choice-others-curator = { $name } asks for other mentors: /pairs.
pairs-notice-changed-curator-head = 🤝 Colleagues changed pairs this hour ({ $count }):
pairs-notice-changed-curator-line = • { $by } { $event ->
    [proposed] proposed a pair
    [active] approved a pair
    [completed] completed a pair
    [replaced] replaced the mentor of a pair
   *[terminated] ended a pair
} in «{ $programme }»: { $mentor } → { $mentees }{ $event ->
    [replaced] {" "}(the previous mentor: { $old })
   *[other] {""}
}
pairs-notice-changed-curator = 🤝 { $by } { $event ->
    [proposed] proposed a pair
    [active] approved a pair
    [completed] completed a pair
    [replaced] replaced the mentor of a pair
   *[terminated] ended a pair
} in «{ $programme }»: mentor { $mentor }, mentees { $mentees }.{ $event ->
    [replaced] {" "}The previous mentor was { $old }.
   *[other] {""}
}

# --- the plan -------------------------------------------------------------------------
plan-choose = <b>Development plan.</b> Whose plan?
plan-none = A plan appears once the pair starts working.
plan-title = <b>Development plan: { $name }</b>
plan-empty = Empty so far. Add a goal or a task.
plan-item-line = { $icon } { $kind }: { $title }{ $due }
plan-due = , by { $date }
plan-kind-goal = Goal
plan-kind-task = Task
plan-status-planned = planned
plan-status-in_progress = in progress
plan-status-done = done
plan-status-dropped = dropped
plan-button-goal = ➕ Goal
plan-button-task = ➕ Task
plan-ask-title = { $kind }: type it briefly, in one message.
plan-ask-due = Due?
plan-due-none = No date
plan-due-week = In a week
plan-due-month = In a month
plan-due-quarter = In 3 months
plan-added = Added.
plan-item-card =
    <b>{ $kind }</b>: { $title }
    Due: { $due }
    Status: { $status }
plan-due-unset = not set
plan-status-set = Status: { $status }
plan-notice-changed = 📝 { $by } updated the development plan:
plan-notice-line = • { $what ->
    [added] added — { $kind }: «{ $title }»
   *[status] { $kind } «{ $title }»: { $status }
}
plan-progress-title = <b>Development plans</b> of «{ $programme }»:
plan-progress-line = No. { $pair }: { $name } — { $done } of { $total } done, { $in_progress } in progress
plan-progress-none = No working pairs yet.

# --- errors -------------------------------------------------------------------------------
error-pairs-not-participant = This person is not (or no longer) in the programme.
error-pairs-wrong-role = The mentor and mentees are not chosen correctly.
error-pairs-consent-incomplete = One of the participants' consent is not complete: they cannot be paired yet.
error-pairs-mentee-taken = This mentee already has a pair.
error-pairs-no-mentee = Choose at least one mentee.
error-pairs-suggestion-gone = This suggestion is out of date: the mentee has a pair, left, or the mentor has no places left. The list is updated.
error-pairs-not-proposed = This pair is already approved or ended.
error-pairs-outcome = There is no such outcome.
error-pairs-not-live = This pair has already ended.
error-pairs-reason = Choose a reason from the list or type your own.
error-pairs-same-mentor = This is the pair's mentor already.
error-pairs-no-pair = Tick at least one pair.
error-pairs-not-active = The pair is not working (yet or any more).
error-pairs-choice-count = Two or three mentors are offered to choose from.
error-pairs-choice-closed = This choice is already made or closed.
error-pairs-capacity = A mentor takes 1 to 10 mentees.
error-pairs-order = Type the number and date, e.g. 45-о от 01.10.2026
error-plan-kind = You can add a goal or a task.
error-plan-too-many = The plan has too many items already.
error-plan-status = There is no such status.
