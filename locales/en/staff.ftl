## Staff: the administrator (organisations) and the curator (programmes, participants).
## The caller escapes the names it passes in.

# Main menu.
staff-menu-organisations = 🏫 Organisations
staff-menu-programmes = 📋 Programmes
staff-menu-participants = 👥 Participants

# Roles.
staff-role-coordinator = coordinator
staff-role-curator = curator
staff-role-mentor = mentor
staff-role-mentee = mentee

# Organisations (administrator).
staff-org-list =
    <b>Organisations</b>
    { $count ->
        [0] There are no organisations yet. Create a municipality or a school.
       *[other] Choose an organisation or create a new one.
    }
staff-org-add-municipality = ➕ Municipality
staff-org-add-school = ➕ School
staff-org-parent-prompt = <b>New school</b>
    Which municipality does it belong to?
staff-org-no-parent = No municipality
staff-org-name-prompt-municipality = <b>New municipality</b>
    Type its name, for example: “Tver City District”.
staff-org-name-prompt-school = <b>New school</b>
    Type its name, for example: “Secondary School No. 5, Tver”.
staff-org-timezone-prompt = Choose the time zone of “{ $name }”: reminders follow it.
staff-org-created = Organisation created
staff-org-kind-municipality = 🏛 Municipality
staff-org-kind-school = 🏫 School
staff-org-kind-region = Region
staff-org-view =
    <b>{ $name }</b>
    { $kind }
    Time zone: { $timezone }
staff-org-parent = Municipality: { $parent }
staff-org-invite-coordinator = Invite a coordinator
staff-org-invite-curator = Invite a curator

# Russia's time zones.
staff-tz-option = { $city } (UTC{ $offset })
staff-tz-europe-kaliningrad = Kaliningrad
staff-tz-europe-moscow = Moscow
staff-tz-europe-samara = Samara
staff-tz-asia-yekaterinburg = Yekaterinburg
staff-tz-asia-omsk = Omsk
staff-tz-asia-novosibirsk = Novosibirsk
staff-tz-asia-krasnoyarsk = Krasnoyarsk
staff-tz-asia-irkutsk = Irkutsk
staff-tz-asia-yakutsk = Yakutsk
staff-tz-asia-vladivostok = Vladivostok
staff-tz-asia-magadan = Magadan
staff-tz-asia-kamchatka = P.-Kamchatsky

# Invitation links.
staff-invite-ready =
    <b>The invitation link is ready</b>
    Role: { $role }
    Where: { $place }
    { $uses ->
        [1] A personal link: one person can join with it.
       *[other] A shared link: up to { $uses } people can join with it.
    }
    Valid until { $expires }.

    { $link }

    I also sent the link as a separate message above: forward it to the person you invite (hold your finger on the message → “Forward”).
staff-invite-message =
    An invitation to the mentoring programme: { $place }
    Role: { $role }
    To join, open the link (valid until { $expires }):
    { $link }
staff-invite-place-programme = programme “{ $programme }”, { $school }
staff-invite-uses-prompt = Which link should I make for the role “{ $role }”?
staff-invite-single = Personal link (1 person)
staff-invite-group = Shared link (up to { $uses } people)

# Programmes (curator).
staff-prog-school-prompt = Choose the school:
staff-prog-list =
    <b>Mentoring programmes</b>
    { $school }
    { $count ->
        [0] No programmes yet. Create the first one.
       *[other] Choose a programme:
    }
staff-prog-add = ➕ New programme
staff-prog-name-prompt = <b>New programme</b>
    Type its name, for example: “Teacher — teacher, 2026/27”.
staff-prog-form-prompt = Choose the form of mentoring for “{ $name }”:
staff-prog-period-prompt = Choose the period of “{ $name }”:
staff-prog-period-academic = This school year ({ $start }–{ $end })
staff-prog-period-calendar = Calendar year { $year }
staff-prog-created = Programme created
staff-prog-view =
    <b>{ $name }</b>
    Form: { $form }
    Period: { $start }–{ $end }
    Stage: { $stage }
staff-prog-invite-mentor = Invite a mentor
staff-prog-invite-mentee = Invite a mentee
staff-prog-import = 📥 Upload a list
staff-import-prompt =
    <b>Uploading a list of participants</b>
    Send an Excel (.xlsx) or CSV file of at most 2 MB. The first row holds the column titles:
    • <b>Full name</b> (ФИО)
    • <b>Role</b> — “mentor” or “mentee”
    • <b>Class or subject</b>
    • <b>Category</b> — as in the methodology, e.g. “young specialist”
    • <b>Contacts</b> — phone or e-mail, for you

    I will make a personal invitation link for every row and send you a file with the links. Names and contacts from the file are not stored.
staff-import-summary =
    { $invites ->
        [0] No invitations were created.
        [one] { $invites } invitation created.
       *[other] { $invites } invitations created.
    }
    { $rejected ->
        [0] No errors.
        [one] { $rejected } row with errors:
       *[other] { $rejected } rows with errors:
    }
staff-import-error-line = row { $row }: { $reason }
staff-import-more-errors = …and { $count } more — see the “Errors” sheet for all of them.

# Programme stages (Р-145).
stage-preparation = Preparing the conditions
stage-mentee-base = Building the mentee base
stage-mentor-base = Building the mentor base
stage-mentor-training = Selecting and training mentors
stage-matching = Forming pairs and groups
stage-working = Pairs and groups at work
stage-completion = Completing the programme

# Participants (curator).
staff-part-list =
    <b>Participants</b> · { $programme }
    { $count ->
        [0] Nobody has joined yet. Invite participants under “Programmes”.
       *[other] Those needing attention come first.
    }
staff-part-item = { $icon } { $name } — { $role }
staff-part-no-name = (no name yet)
staff-part-view =
    <b>{ $name }</b>
    Role: { $role }
    Programme: { $programme }
    Status: { $status }
    Consent: { $consent }
staff-part-no-programme = —
staff-consent-complete = ✅ given
staff-consent-guardian = ⏳ waiting for a parent or legal representative
staff-consent-registering = ✍️ not yet: the participant is registering
staff-part-mark-paper = 📝 Mark paper consent
staff-part-paper-marked = Paper consent marked
staff-part-not-reachable = Consent marked, but the participant has blocked the bot and will not get the notice.

# Input errors.
error-name-length = The name must be 2 to 200 characters long. Please type it again.
error-timezone = There is no such time zone. Please choose one with a button.
error-programme-period = The programme period is wrong: the end must come after the start.
error-programme-form = There is no such form of mentoring. Please choose one with a button.
error-programme-stage = There is no such programme stage.
error-invite-uses = A link can be for 1 to 500 people.
error-invite-role = An invitation cannot be made for this role.
error-invite-wrong-organisation = A person with this role cannot be invited to this organisation.
error-organisation-kind = Only a municipality or a school can be created.
error-organisation-parent = A school can only be added to a municipality.

# Coordinator: totals in the menu and the schools page by page.
staff-coord-total = 🏛 Schools: { $schools } · mentors: { $mentors } · mentees: { $mentees }
staff-coord-schools-button = 🏫 Schools of the municipality
staff-coord-schools-title =
    <b>Schools of the municipality</b>
    { $count ->
        [0] There are no schools in the municipality yet.
       *[other] Participants who finished registering, without names:
    }

# Participants: statuses, the programme filter, confirming a paper consent.
staff-part-state-guardian = ⏳ waiting for a parent's consent
staff-part-state-registering = ✍️ registering
staff-part-state-ready = ✅ ready
staff-part-state-invited = ✉️ invited, not joined yet
staff-part-count-line = { $state }: { $count }
staff-part-programme-line = “{ $programme }”: ⏳ { $guardian } · ✍️ { $registering } · ✅ { $ready } · ✉️ { $invited }
staff-part-more-programmes = …and { $count } more programmes: choose one with the button below.
staff-part-all-programmes = all programmes
staff-part-filter = 🔎 Programme: { $programme }
staff-part-filter-prompt = Whose participants to show?
staff-part-filter-all = All programmes
staff-part-paper-confirm = Mark a paper consent for { $name }?
staff-part-paper-yes = Yes, mark it
staff-part-paper-no = No
staff-part-paper-already = Consent is already marked; nothing changed.

staff-category-button = 🏷 Mentee's category
staff-category-choose =
    <b>{ $name }</b>
    Category: { $current }

    Only curators see the category: the participant does not choose it and does not see it in the bot. Choose the one that fits:
staff-category-none = not set
staff-category-saved = Category saved
