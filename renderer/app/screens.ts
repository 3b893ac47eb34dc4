/**
 * The screens of the app frame, in navigation order (DESIGN.md section 8). A screen appears in
 * the navigation only when it can do its work: onboarding while the device has no profile.
 * The screens that need a profile (master profile, devices, approvals, passwords, mail,
 * activity, settings) join this list with the device core.
 */
import type { ComponentType } from 'react';
import type { ScreenId } from '../store/navigation-slice';
import { AboutScreen } from '../screens/about/AboutScreen';
import { OnboardingScreen } from '../screens/onboarding/OnboardingScreen';

export interface ScreenEntry {
  readonly id: ScreenId;
  /** The label in the navigation. */
  readonly label: string;
  /** Shown while the device has no profile, has one, or always. */
  readonly shownWhen: 'no-profile' | 'profile' | 'always';
  readonly Component: ComponentType;
}

export const screens: readonly ScreenEntry[] = [
  { id: 'onboarding', label: 'Get started', shownWhen: 'no-profile', Component: OnboardingScreen },
  { id: 'about', label: 'About this device', shownWhen: 'always', Component: AboutScreen },
];

/** The screens to offer, given whether the device holds a profile. */
export function visibleScreens(hasProfile: boolean): readonly ScreenEntry[] {
  return screens.filter(
    (screen) =>
      screen.shownWhen === 'always' || screen.shownWhen === (hasProfile ? 'profile' : 'no-profile'),
  );
}

/** The id every screen gives its heading, which the frame focuses on a change of screen. */
export const SCREEN_HEADING_ID = 'screen-heading';
