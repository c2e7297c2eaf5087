## /report: files for curators, coordinators and admins

command-report = Reports (XLSX)
report-title-mentors = Mentors
report-title-mentees = Mentees
report-title-meetings = Meetings log
report-title-surveys = Questionnaire results
report-choose-place = Which organisation is the report about?
report-choose = Choose a report — the file will arrive here as one document.
report-preparing = ⏳ Preparing «{ $title }»… It will arrive as a separate message in a minute.
report-another = 📄 Another report
report-caption = 📎 { $title } — { $place }, { $date }
report-unknown = This report is no longer available. Open /report again.
report-denied = The report was not prepared: you no longer have access to this organisation.
report-not-staff = { $young ->
    [yes] Reports (/report) are for school curators and coordinators. Your pair, meetings and plan are in the main menu.
   *[no] Reports (/report) are for school curators and municipal coordinators. If you are a mentor or a mentee, your meetings and plan are in the main menu.
}
error-report-unknown = There is no such report. Please choose one with a button.
report-anonymous = (withdrawn participant)
report-age-minor = under 18
report-meeting-planned = planned
report-meeting-held = held
report-meeting-cancelled = did not happen
report-col-school = School
report-col-name = Full name
report-col-contacts = Contacts
report-col-mentor-category = Mentor category
report-col-competences = Competences
report-col-interests = Interests
report-col-form = Form of mentoring
report-col-programme = Programme
report-col-joined = Joined
report-col-mentees = Mentees
report-col-meetings = Meetings held
report-col-plan = Development plan: done
report-col-rating = Mean meeting rating (1–5)
report-col-mentees-growth = Mentees' entry→exit change
report-col-satisfaction = Satisfaction (0–100)
report-col-status = Status
report-col-age = Class / age
report-col-request = Request
report-col-mentee-category = Mentee category
report-col-mentor = Mentor
report-col-growth = Entry→exit change
report-col-date = Date
report-col-time = Time
report-col-pair = Pair (mentor — mentees)
report-col-kind = Meeting type
report-col-duration = Duration, min
report-col-format = Format
report-col-topic = Topic
report-col-outcome = Outcome
report-col-meeting-status = Meeting status
report-col-confirmed = Confirmed by mentees
report-col-disputed = Disputed
report-col-ratings = Ratings
report-col-comments = Comments for the curator
